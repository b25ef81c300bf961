"""Refusing to fetch from private networks: the address checks behind fetch()'s SSRF protection.

The rule: a feed the user added explicitly may live anywhere (an intranet feed, a test server on
127.0.0.1), because the user chose that address. Anything a feed or a page points to (article
links, redirects) is untrusted: it is fetched only when every address its host resolves to is
public, unless `settings.allow_private_networks` is set, or it is on the very origin (scheme,
host and port) of the feed the user added. Redirect hops are checked the same way.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Optional
from urllib.parse import urlsplit


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of URL, with the default port filled in."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local, reserved...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local
                                 or ip.is_loopback or ip.is_private or ip.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """Every address HOST resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return sorted({info[4][0] for info in infos})


def blocked_reason(url: str) -> Optional[str]:
    """Why URL may not be fetched from an untrusted link, or None when its host is public.

    Note: the check resolves the name before the request; a DNS server that answers differently
    the second time (rebinding) is not covered, which is why private fetching is opt-in only.
    """
    _scheme, host, port = origin(url)
    if not host:
        return "no host in URL"
    addresses = resolve(host, port)
    if not addresses:
        return None  # unresolvable: the request itself will fail and say so
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        return f"blocked: {host} resolves to a non-public address ({private[0]}); " \
               "set allow_private_networks to fetch intranet pages"
    return None
