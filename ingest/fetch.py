"""The one send function: every feed, page and robots.txt request goes through fetch().

It never raises for network or data problems: timeouts, oversize or trickling bodies, redirect
loops, refused private addresses and robots.txt refusals come back as FetchResult.error, and the
caller records them (a FetchLog row). Bodies are streamed and counted after decompression, so a
gzip bomb stops at the cap instead of filling memory.
"""
from __future__ import annotations

import logging
import threading
import time
from email.utils import formatdate
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from ingest.errors import InputError
from ingest.localfile import read_local_file
from ingest.options import IngestOptions
from ingest.records import FetchResult
from ingest.robots import RobotsCache
from ingest.ssrf import Origin, blocked_reason, origin
from ingest.transport import guarded_transport, request_policy

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
_REDIRECTS = (301, 302, 303, 307, 308)


class HostPacer:
    """Keeps a minimum delay between two requests to one host (politeness)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        """Sleep until DELAY has passed since the last request to URL's host."""
        if self.delay <= 0:
            return
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            ready = self._last.get(host, 0.0) + self.delay
            self._last[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)


def make_client(options: IngestOptions) -> httpx.Client:
    """An httpx client with aikb's User-Agent and timeouts; redirects are followed by fetch()."""
    return httpx.Client(
        headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(options.timeout),
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment: the SSRF check must see the real target
        transport=guarded_transport(),
    )


def file_path(url: str) -> Optional[Path]:
    """The local path a file: URL (or a plain path) names, else None."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme == "" and url:
        return Path(url)
    return None


def fetch_file(url: str, options: IngestOptions, last_modified: str | None = None) -> FetchResult:
    """Read a local file as if fetched (status 200, or 304 when its mtime equals LAST_MODIFIED)."""
    started = time.monotonic()
    path = file_path(url)
    if path is None:
        return FetchResult(url=url, final_url=url, error=f"not a local file: {url}", duration_ms=_ms(started))
    try:
        stamp = formatdate(path.stat().st_mtime, usegmt=True)
        if last_modified and stamp == last_modified:
            return FetchResult(url=url, final_url=url, status=304, headers={"last-modified": stamp},
                               duration_ms=_ms(started))
        # a regular file under the body cap: a feed file later swapped for a pipe or device cannot hang a run
        body = read_local_file(path, options.max_bytes)
    except OSError as exc:
        return FetchResult(url=url, final_url=url, error=f"cannot read {path}: {exc.strerror or exc}",
                           duration_ms=_ms(started))
    except InputError as exc:
        return FetchResult(url=url, final_url=url, error=str(exc), duration_ms=_ms(started))
    return FetchResult(url=url, final_url=url, status=200, body=body, headers={"last-modified": stamp},
                       duration_ms=_ms(started))


# Every timeout-class error fetch() records starts with one of these: a read that waited longer than
# `timeout`, or a request (headers or body trickled) that ran past its total deadline. Which of the two
# trips first on a slow server depends on the machine's load; callers and tests ask is_timeout().
TIMEOUT_PREFIXES = ("timeout after", "deadline of")


def is_timeout(error: str | None) -> bool:
    """True when ERROR (a FetchResult.error) says the server was too slow, whichever limit tripped."""
    return error is not None and error.startswith(TIMEOUT_PREFIXES)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _deadline(options: IngestOptions) -> float:
    # the whole request, body included: a server trickling one byte a second never finishes
    return max(2.0 * options.timeout, 1.0)


def fetch(
    url: str,
    options: IngestOptions,
    *,
    client: httpx.Client | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    kind: str = "page",
    trusted_origin: Origin | None = None,
    pacer: HostPacer | None = None,
    robots: RobotsCache | None = None,
) -> FetchResult:
    """GET URL with aikb's limits; the answer (or the problem) comes back as a FetchResult.

    Args:
        kind: "feed", "page" or "robots" (sets Accept; robots.txt is checked for pages only).
        trusted_origin: the origin of a feed the user added; hosts there may be private addresses.
        etag, last_modified: validators from the last fetch, sent as a conditional GET.
        pacer, robots: shared politeness state for a run (optional).
    """
    started = time.monotonic()
    own_client = client is None
    client = client or make_client(options)
    try:
        return _fetch(url, options, client, etag, last_modified, kind, trusted_origin, pacer, robots, started)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a fetch never raises
        log.warning("fetch error: %s %s", url, exc)
        return FetchResult(url=url, final_url=url, error=f"{type(exc).__name__}: {exc}", duration_ms=_ms(started))
    finally:
        if own_client:
            client.close()


def _check_target(url: str, options: IngestOptions, trusted_origin: Origin | None) -> Optional[str]:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return f"refused: scheme {scheme or 'none'!r} (only http and https are fetched)"
    if options.allow_private_networks or (trusted_origin and origin(url) == tuple(trusted_origin)):
        return None
    return blocked_reason(url)


def _fetch(url: str, options: IngestOptions, client: httpx.Client, etag: str | None, last_modified: str | None,
           kind: str, trusted_origin: Origin | None, pacer: HostPacer | None, robots: RobotsCache | None,
           started: float) -> FetchResult:
    headers = {"Accept": FEED_ACCEPT if kind == "feed" else PAGE_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = started + _deadline(options)
    current = url
    seen = {url}
    for _hop in range(options.max_redirects + 1):
        problem = _check_target(current, options, trusted_origin)
        if problem:
            return FetchResult(url=url, final_url=current, error=problem, duration_ms=_ms(started))
        if kind == "page" and robots is not None and not robots.allowed(current, options, client, trusted_origin):
            return FetchResult(url=url, final_url=current, error="disallowed by robots.txt",
                               duration_ms=_ms(started))
        if pacer is not None:
            pacer.wait(current)
        allow_private = options.allow_private_networks or bool(trusted_origin and origin(current) == tuple(trusted_origin))
        try:
            with request_policy(deadline, allow_private), client.stream("GET", current, headers=headers) as response:
                if response.status_code in _REDIRECTS and response.headers.get("location"):
                    target = urljoin(current, response.headers["location"])
                    if target in seen:
                        return FetchResult(url=url, final_url=target, status=response.status_code,
                                           error=f"redirect loop at {target}", duration_ms=_ms(started))
                    seen.add(target)
                    current = target
                    continue
                return _read_body(url, current, response, options, deadline, started, kind)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                message = f"deadline of {_deadline(options):g}s exceeded (the server sent too slowly)"
            else:
                message = f"timeout after {options.timeout:g}s ({type(exc).__name__})"
            return FetchResult(url=url, final_url=current, error=message, duration_ms=_ms(started))
        except (httpx.HTTPError, OSError) as exc:
            return FetchResult(url=url, final_url=current, error=f"{type(exc).__name__}: {exc}",
                               duration_ms=_ms(started))
    return FetchResult(url=url, final_url=current, error=f"too many redirects (over {options.max_redirects})",
                       duration_ms=_ms(started))


ROBOTS_MAX_BYTES = 512 * 1024  # what crawlers read of a robots.txt; the rest is ignored, as Google does


def _read_body(url: str, final_url: str, response: httpx.Response, options: IngestOptions, deadline: float,
               started: float, kind: str = "page") -> FetchResult:
    status = response.status_code
    headers = {k.lower(): v for k, v in response.headers.items()}
    if status == 304:
        return FetchResult(url=url, final_url=final_url, status=304, headers=headers, duration_ms=_ms(started))
    if not 200 <= status < 300:
        # an error page is not needed: its body is never read (an endless 404 costs nothing)
        return FetchResult(url=url, final_url=final_url, status=status, headers=headers,
                           error=f"HTTP {status} {response.reason_phrase}".strip(), duration_ms=_ms(started))
    if kind == "robots":
        return _read_prefix(url, final_url, response, min(options.max_bytes, ROBOTS_MAX_BYTES), deadline, started,
                            headers)
    declared = headers.get("content-length", "")
    if declared.isdigit() and "content-encoding" not in headers and int(declared) > options.max_bytes:
        return FetchResult(url=url, final_url=final_url, status=status, headers=headers,
                           error=f"body over {options.max_bytes} bytes (Content-Length {declared})",
                           duration_ms=_ms(started))
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():  # decompressed: the cap counts what we would keep
            size += len(chunk)
            if size > options.max_bytes:
                return FetchResult(url=url, final_url=final_url, status=status, headers=headers,
                                   error=f"body over {options.max_bytes} bytes after decompression",
                                   duration_ms=_ms(started))
            if time.monotonic() > deadline:
                return FetchResult(url=url, final_url=final_url, status=status, headers=headers,
                                   error=f"deadline of {_deadline(options):g}s exceeded while reading the body",
                                   duration_ms=_ms(started))
            chunks.append(chunk)
    except httpx.DecodingError as exc:
        return FetchResult(url=url, final_url=final_url, status=status, headers=headers,
                           error=f"cannot decode the body: {exc}", duration_ms=_ms(started))
    error = None if 200 <= status < 300 else f"HTTP {status} {response.reason_phrase}".strip()
    return FetchResult(url=url, final_url=final_url, status=status, headers=headers, body=b"".join(chunks),
                       error=error, duration_ms=_ms(started))


def _read_prefix(url: str, final_url: str, response: httpx.Response, limit: int, deadline: float, started: float,
                 headers: dict[str, str]) -> FetchResult:
    """The first LIMIT bytes of the body (decompressed); the rest is never read."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit or time.monotonic() > deadline:
                break
    except httpx.DecodingError as exc:
        return FetchResult(url=url, final_url=final_url, status=response.status_code, headers=headers,
                           error=f"cannot decode the body: {exc}", duration_ms=_ms(started))
    return FetchResult(url=url, final_url=final_url, status=response.status_code, headers=headers,
                       body=b"".join(chunks)[:limit], duration_ms=_ms(started))
