"""A local feed server for the benchmarks: files on 127.0.0.1 with validators, a delay, a request log.

Serves a directory of feed files. Each response carries an ETag (a hash of the body) and a
Last-Modified date unless `validators=False`, and answers 304 to a matching conditional GET.
`delay` seconds are slept before each answer, so that fetching is I/O-bound like the real web.
"""
from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up is not the benchmark's business


class FeedFileServer:
    """Serves FILES (name -> path) at /feeds/<name>; `requests` logs (path, status, started, ended, agent)."""

    def __init__(self, files: list[Path], *, delay: float = 0.0, validators: bool = True) -> None:
        self.delay, self.validators = delay, validators
        self.bodies = {f"/feeds/{p.name}": p.read_bytes() for p in files}
        self.etags = {k: '"' + hashlib.sha1(v).hexdigest()[:16] + '"' for k, v in self.bodies.items()}
        self.last_modified = formatdate(time.time() - 3600, usegmt=True)
        self.requests: list[tuple[str, int, float, float, str]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # http.server's naming
                started = time.monotonic()
                status = server._answer(self)
                with server._lock:
                    server.requests.append((self.path, status, started, time.monotonic(),
                                            self.headers.get("User-Agent", "")))

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _answer(self, handler: BaseHTTPRequestHandler) -> int:
        if self.delay:
            time.sleep(self.delay)
        body = self.bodies.get(handler.path.split("?")[0])
        if body is None:
            return self._send(handler, 404, {"Content-Type": "text/plain"}, b"not found")
        headers = {"Content-Type": "application/rss+xml; charset=utf-8" if handler.path.endswith(".xml")
                   else "application/atom+xml; charset=utf-8"}
        if self.validators:
            etag = self.etags[handler.path.split("?")[0]]
            headers.update({"ETag": etag, "Last-Modified": self.last_modified})
            if handler.headers.get("If-None-Match") == etag or \
                    handler.headers.get("If-Modified-Since") == self.last_modified:
                return self._send(handler, 304, headers, b"")
        return self._send(handler, 200, headers, body)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> int:
        try:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if body:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return status

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}{path}" for path in self.bodies]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FeedFileServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
