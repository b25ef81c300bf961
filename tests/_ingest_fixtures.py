"""A real HTTP server on 127.0.0.1, in a thread, serving good and hostile feeds for ingest tests.

Routes are plain data: path -> Route(status, headers, body) or a function(handler) for the
behaviours that need one (304 on validators, slow and trickling responses). Every request is
recorded (path and headers) so tests can assert that a second run sent conditional requests.
"""
from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Union

import pytest

from ingest.options import IngestOptions
from kb.settings import Settings


@dataclass
class Route:
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "application/rss+xml; charset=utf-8"})
    body: bytes = b""


Handler = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # clients that hang up early (as aikb does on oversize bodies) are expected here


class FeedServer:
    """The running server: `url(path)`, `routes` to fill, `requests` seen so far."""

    def __init__(self) -> None:
        self.routes: dict[str, Union[Route, Handler]] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # http.server's naming
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    send(self, Route(404, {"Content-Type": "text/plain"}, b"not found"))
                elif callable(route):
                    route(self)
                else:
                    send(self, route)

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_for(self, path: str) -> list[dict]:
        return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, route: Route) -> None:
    """Write ROUTE as the response (with a Content-Length)."""
    try:
        handler.send_response(route.status)
        for key, value in route.headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        handler.wfile.write(route.body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (as aikb does on oversize bodies): nothing to do


def conditional(body: bytes, etag: str, last_modified: str, content_type: str = "application/rss+xml") -> Handler:
    """A route that answers 304 when the request carries the validators it handed out."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag or handler.headers.get("If-Modified-Since") == last_modified:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        send(handler, Route(200, {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified}, body))

    return handle


def slow(delay: float, body: bytes) -> Handler:
    """Sleep DELAY seconds before answering (a server slower than the timeout)."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        send(handler, Route(200, {"Content-Type": "application/rss+xml"}, body))

    return handle


def trickle(body: bytes, interval: float) -> Handler:
    """Send the headers, then the body one byte every INTERVAL seconds."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.flush()
            for byte in body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handle


def trickle_headers(interval: float) -> Handler:
    """Send the status line and headers themselves one byte every INTERVAL seconds."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n"
        try:
            for byte in head:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handle


def gzip_route(body: bytes, content_type: str = "application/rss+xml") -> Route:
    return Route(200, {"Content-Type": content_type, "Content-Encoding": "gzip"}, gzip.compress(body))


def gzip_bomb(size: int) -> Route:
    """SIZE bytes of zeros, gzip-compressed to about a thousandth of that."""
    return Route(200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
                 gzip.compress(b"\0" * size, compresslevel=9))


def rss(items: list[str], title: str = "Test Feed", extra: str = "") -> bytes:
    """An RSS 2.0 document around ITEMS (each an <item> element's XML)."""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
            f"<link>https://example.org/</link>{extra}{''.join(items)}</channel></rss>").encode("utf-8")


def item(guid: str, title: str, body: str, link: str | None = None, date: str = "Mon, 02 Nov 2026 10:00:00 GMT",
         full: bool = True) -> str:
    """One RSS item: full content (content:encoded) or, with full=False, a summary only."""
    link_xml = f"<link>{link}</link>" if link else ""
    content = f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>" if full else \
        f"<description>{body[:80]}</description>"
    return f"<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title>{link_xml}<pubDate>{date}</pubDate>{content}</item>"


@pytest.fixture
def feed_server():
    """A FeedServer on 127.0.0.1 for the test, shut down afterwards."""
    server = FeedServer()
    yield server
    server.close()


def ingest_options(**overrides) -> IngestOptions:
    """Ingest's own options for fetch tests (no Settings, no database): the same test limits."""
    values = dict(host_delay=0.0, timeout=1.0, max_bytes=400_000, max_redirects=4)
    values.update(overrides)
    return IngestOptions(**values)


def ingest_settings(db_url: str, **overrides) -> Settings:
    """Settings for ingest tests: no politeness delay, short timeouts, a small body cap."""
    values = dict(database_url=db_url, host_delay=0.0, timeout=1.0, max_bytes=400_000, max_redirects=4)
    values.update(overrides)
    return Settings(**values)
