"""Refusing to fetch from private networks: the address checks behind fetch()'s SSRF protection.

The rule: a feed the user added explicitly may live anywhere (an intranet feed, a test server on
127.0.0.1), because the user chose that address. Anything a feed or a page points to (article
links, redirects) is untrusted: it is fetched only when every address its host resolves to is
public, unless `IngestOptions.allow_private_networks` is set, or it is on the very origin (scheme,
host and port) of the feed the user added. Redirect hops are checked the same way.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Optional
from urllib.parse import urljoin, urlsplit


def web_link(base: str, link: Optional[str]) -> Optional[str]:
    """LINK, a link found inside a feed, resolved against BASE; None unless it is http(s) with a host.

    A feed is untrusted text, local feed files included: its links never name local files
    (file:, or a relative path resolved against a file: feed) or other schemes. Local files are
    read only when the user names them on the command line.
    """
    if not link:
        return None
    try:
        url = urljoin(base or "", link.strip())
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


Origin = tuple[str, str, int]  # (scheme, host, port)


def origin(url: str) -> Origin:
    """(scheme, host, port) of URL, with the default port filled in."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


# The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), plus multicast
# and the deprecated blocks: none of these is an ordinary web server on the public internet. A few
# entries are "globally reachable" anycast services (AS112, AMT, PCP/TURN anycast); they serve no web
# pages, so they are refused too. Kept as a table so a test can walk every row.
SPECIAL_IPV4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8",          # "this network" (RFC 791)
    "10.0.0.0/8",         # private (RFC 1918)
    "100.64.0.0/10",      # shared address space, carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",        # loopback
    "169.254.0.0/16",     # link-local (cloud metadata lives here)
    "172.16.0.0/12",      # private
    "192.0.0.0/24",       # IETF protocol assignments (RFC 6890), incl. DS-Lite 192.0.0.0/29, NAT64 discovery
    "192.0.2.0/24",       # TEST-NET-1 documentation
    "192.31.196.0/24",    # AS112-v4 (RFC 7535)
    "192.52.193.0/24",    # AMT (RFC 7450)
    "192.88.99.0/24",     # deprecated 6to4 relay anycast (RFC 7526)
    "192.168.0.0/16",     # private
    "192.175.48.0/24",    # direct delegation AS112 service (RFC 7534)
    "198.18.0.0/15",      # benchmarking (RFC 2544)
    "198.51.100.0/24",    # TEST-NET-2
    "203.0.113.0/24",     # TEST-NET-3
    "224.0.0.0/4",        # multicast
    "240.0.0.0/4",        # reserved for future use, incl. limited broadcast 255.255.255.255
))

# IPv6: only global unicast (2000::/3) is ever public; inside it these blocks are special. Addresses
# that embed an IPv4 address (mapped, NAT64, 6to4) are judged by the IPv4 address they carry.
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
SPECIAL_IPV6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/128",             # unspecified
    "::1/128",            # loopback
    "::/96",              # deprecated IPv4-compatible addresses (RFC 4291)
    "::ffff:0:0:0/96",    # IPv4-translated (SIIT, RFC 2765)
    "64:ff9b:1::/48",     # local-use IPv4/IPv6 translation (RFC 8215)
    "100::/64",           # discard-only (RFC 6666)
    "100:0:0:1::/64",     # dummy IPv6 prefix (RFC 9780)
    "2001::/23",          # IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID...
    "2001:db8::/32",      # documentation (RFC 3849)
    "2620:4f:8000::/48",  # direct delegation AS112 service
    "3fff::/20",          # documentation (RFC 9637)
    "5f00::/16",          # SRv6 SIDs (RFC 9602)
    "fc00::/7",           # unique local (RFC 4193)
    "fe80::/10",          # link-local
    "fec0::/10",          # deprecated site-local (RFC 3879)
    "ff00::/8",           # multicast
))
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")  # RFC 3056: bits 16-47 are an IPv4 address


def embedded_ipv4(ip: ipaddress.IPv6Address) -> Optional[ipaddress.IPv4Address]:
    """The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, else None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in SIX_TO_FOUR:
        return ip.sixtofour
    return None


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return not any(ip in net for net in SPECIAL_IPV4)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address: outside every special-purpose block.

    IPv6 addresses that wrap an IPv4 address (::ffff:a.b.c.d, 64:ff9b::a.b.c.d, 2002:AABB:CCDD::)
    are public only when the IPv4 address is; a zone index (fe80::1%eth0) is ignored.
    """
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0].strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return _public_v4(ip)
    inner = embedded_ipv4(ip)
    if inner is not None:
        return _public_v4(inner)
    return ip in GLOBAL_UNICAST_V6 and not any(ip in net for net in SPECIAL_IPV6)


def resolve(host: str, port: int) -> list[str]:
    """Every address HOST resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return sorted({str(info[4][0]) for info in infos})


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
