"""Bounded replies (issue 16, item 2): no HTTP client reads what it does not need, delivery has deadlines.

Real servers on 127.0.0.1: raw TCP servers that answer with endless, huge or trickled replies (HTTP and
SMTP), the feed server of the ingest tests, aiosmtpd as the working SMTP server, both databases, and a
real `deliver` process killed mid-send.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ingest.fetch import ROBOTS_MAX_BYTES, fetch, is_timeout
from ingest.robots import RobotsCache
from ingest.ssrf import origin
from kb.alerts import add_rule, deliver, evaluate
from kb.alerts.channels import REPLY_BYTES, SendFailed, post_webhook
from kb.db import open_engine, utcnow
from kb.models import Delivery
from tests._alert_fixtures import SmtpSink, WebhookReceiver, score, settings_for, store_article
from _ingest_fixtures import feed_server, ingest_options  # noqa: F401 - feed_server is a fixture

ROOT = Path(__file__).resolve().parent.parent
BENCH = "CharXiv Reasoning"


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection is handed to HANDLE(conn); counts bytes it sent."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.sent = 0
        self.connections = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def send(self, conn, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.sent += len(data)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn) -> None:
        try:
            self.handle(self, conn)
        except OSError:
            pass  # the client hung up: what aikb is meant to do
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def _read_request(conn) -> None:
    """Read an HTTP request's head and its Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += conn.recv(65536)


def endless(status: bytes, limit: int = 3_000_000_000):
    """Answer STATUS, then stream a body with no length until the client hangs up (up to LIMIT)."""

    def handle(server: RawServer, conn) -> None:
        _read_request(conn)
        server.send(conn, b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        block = b"y" * 65536
        while server.sent < limit:
            server.send(conn, block)

    return handle


def trickled_head(interval: float):
    """Send the status line and headers one byte every INTERVAL seconds, forever."""

    def handle(server: RawServer, conn) -> None:
        _read_request(conn)
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 100_000
        for byte in head:
            server.send(conn, bytes([byte]))
            time.sleep(interval)

    return handle


@pytest.fixture
def servers():
    made: list[RawServer] = []

    def make(handle) -> RawServer:
        made.append(RawServer(handle))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _pending_delivery(db_url, target_kw: dict, tag: str, values=(71.5,)):
    settings = settings_for(db_url)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", benchmark=BENCH, **target_kw)
        s.commit()
        names = ["Corvid 2", "Tessel Pro", "Quill 3"]
        store_article(s, f"https://wire.example/{tag}", scores=[
            score(names[i], BENCH, v, f"{names[i]} posted {v} on CharXiv Reasoning in the {tag} round.")
            for i, v in enumerate(values)])
        s.commit()
        evaluate(s, settings)
        s.commit()


# ---------------------------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------------------------


def test_webhook_2xx_with_an_endless_body_counts_as_sent_and_reads_nothing_of_it(db_url, servers):
    server = servers(endless(b"200 OK"))
    _pending_delivery(db_url, {"webhook": server.url}, "endless")
    with Session(open_engine(db_url)) as s:
        summary = deliver(s, settings_for(db_url), backoff=0.01)
        assert (summary.sent, summary.failed) == (1, 0)
        d = s.exec(select(Delivery)).one()
        assert d.status == "sent" and d.attempts == 1
    # the receiver could push at most what the socket buffers took before aikb hung up
    assert server.connections == 1 and server.sent < 64_000_000


@pytest.mark.parametrize("status", [b"500 Internal Server Error", b"404 Not Found"])
def test_webhook_error_with_a_huge_body_reads_only_its_head(servers, status):
    server = servers(endless(status))
    with pytest.raises(SendFailed) as failed:
        post_webhook(server.url, {"text": "x"}, timeout=2.0, user_agent="aikb-test", idempotency_key="k1")
    message = str(failed.value)
    assert message.startswith("HTTP " + status.split()[0].decode()) and len(message) < 300
    assert "yyyy" in message and not failed.value.unreachable  # the receiver answered: not "down"
    assert REPLY_BYTES <= 8192


def test_webhook_trickling_its_headers_hits_the_deadline_and_is_retried_later(db_url, servers):
    server = servers(trickled_head(0.05))
    _pending_delivery(db_url, {"webhook": server.url}, "trickle", values=(71.5, 66.0, 60.5))
    settings = settings_for(db_url, webhook_timeout=1.0, delivery_deadline=1.5)
    with Session(open_engine(db_url)) as s:
        started = time.monotonic()
        summary = deliver(s, settings, backoff=0.01)
        elapsed = time.monotonic() - started
        # one deadline for the first message; the receiver is then known down for this run
        assert (summary.sent, summary.failed) == (0, 3)
        assert server.connections <= 3  # tries of the first message only, never of the other two
        assert elapsed < 30  # the trickled headers alone would take 5000 s
        rows = s.exec(select(Delivery).order_by(Delivery.id)).all()
        assert [r.status for r in rows] == ["pending"] * 3
        assert "timeout" in rows[0].last_error
        # the receiver recovers: the next run (after the backoff) delivers all three, once each
    with WebhookReceiver() as hook, Session(open_engine(db_url)) as s:
        for row in s.exec(select(Delivery)).all():
            row.target = hook.url
            s.add(row)
        s.commit()
        later = utcnow() + timedelta(minutes=10)
        assert deliver(s, settings, now=later, backoff=0.01).sent == 3
        assert len(hook.received) == 3


# ---------------------------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------------------------


def smtp_trickle(interval: float):
    """An SMTP server that sends its greeting one byte every INTERVAL seconds (multi-line, endless)."""

    def handle(server: RawServer, conn) -> None:
        while True:
            for byte in b"220-mail.example.test slow greeting line\r\n":
                server.send(conn, bytes([byte]))
                time.sleep(interval)

    return handle


def test_trickling_smtp_server_is_cut_at_the_deadline_and_mail_retried_later(db_url, servers):
    slow = servers(smtp_trickle(0.05))
    _pending_delivery(db_url, {"email": "desk@example.org"}, "smtp", values=(71.5, 66.0))
    settings = settings_for(db_url, slow.port, webhook_timeout=1.0, delivery_deadline=2.0)
    with Session(open_engine(db_url)) as s:
        started = time.monotonic()
        summary = deliver(s, settings, backoff=0.01)
        elapsed = time.monotonic() - started
        assert (summary.sent, summary.failed) == (0, 2)
        assert elapsed < 30  # each read gets a byte in time: only the total deadline ends it
        assert slow.connections <= 3  # the second message waits for the next run
        rows = s.exec(select(Delivery).order_by(Delivery.id)).all()
        assert all(r.status == "pending" for r in rows) and "timeout" in rows[0].last_error
    with SmtpSink() as good, Session(open_engine(db_url)) as s:
        fixed = settings_for(db_url, good.port)
        assert deliver(s, fixed, now=utcnow() + timedelta(minutes=10), backoff=0.01).sent == 2
        assert len(good.messages) == 2


# ---------------------------------------------------------------------------------------------
# A crash while sending: the row does not stay `sending`
# ---------------------------------------------------------------------------------------------

_DELIVER = """
import sys
from sqlmodel import Session
from kb.alerts import deliver
from kb.db import open_engine
from tests._alert_fixtures import settings_for
url = sys.argv[1]
with Session(open_engine(url)) as s:
    deliver(s, settings_for(url, webhook_timeout=600.0, delivery_deadline=600.0))
"""


def test_a_delivery_left_sending_by_a_killed_process_is_sent_by_a_later_run(db_url):
    with WebhookReceiver() as hook:
        hook.hang = 30.0  # the receiver holds the request: the deliverer is mid-send when it dies
        _pending_delivery(db_url, {"webhook": hook.url}, "crash")
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
        proc = subprocess.Popen([sys.executable, "-c", _DELIVER, db_url], cwd=ROOT, env=env)
        try:
            for _ in range(600):
                if hook.requests:
                    break
                time.sleep(0.05)
            assert hook.requests == 1
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        with Session(open_engine(db_url)) as s:
            d = s.exec(select(Delivery)).one()
            assert d.status == "sending" and d.next_attempt_at is not None  # what the crash left
            hook.hang = 0
            # a run inside the lease leaves it alone (the sender might still be alive)...
            assert deliver(s, settings_for(db_url), backoff=0.01).sent == 0
            # ...and the first run after the lease sends it
            summary = deliver(s, settings_for(db_url), now=d.next_attempt_at + timedelta(seconds=1), backoff=0.01)
            assert summary.sent == 1 and len(hook.received) == 1
            s.expire_all()
            assert s.exec(select(Delivery.status)).one() == "sent"


# ---------------------------------------------------------------------------------------------
# Feeds, pages, robots.txt
# ---------------------------------------------------------------------------------------------


def _endless_handler(status: int, first: bytes = b"", content_type: str = "text/html"):
    def handle(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            handler.wfile.write(first)
            block = b"# " + b"w" * 4000 + b"\n"
            for _ in range(200_000):  # 800 MB if anyone read it all
                handler.wfile.write(block)
                time.sleep(0.001)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    return handle


def test_an_error_page_body_is_never_read(feed_server):
    feed_server.routes["/gone.html"] = _endless_handler(404)
    settings = ingest_options(timeout=5.0)
    result = fetch(feed_server.url("/gone.html"), settings, trusted_origin=origin(feed_server.url("/")))
    # the status says it all: had the body been read, the 10 s deadline or the body cap would show instead
    assert result.status == 404 and result.error.startswith("HTTP 404") and result.body == b""
    assert not is_timeout(result.error)


def test_robots_txt_is_read_up_to_its_cap_only(feed_server):
    rules = b"User-agent: *\nDisallow: /private/\n"
    feed_server.routes["/robots.txt"] = _endless_handler(200, rules, "text/plain")
    settings = ingest_options(timeout=5.0, max_bytes=50_000_000)
    robots = RobotsCache()
    trusted = origin(feed_server.url("/"))
    client_url = feed_server.url("/private/page.html")
    from ingest.fetch import make_client

    with make_client(settings) as client:
        assert not robots.allowed(client_url, settings, client, trusted)
        assert robots.allowed(feed_server.url("/public/page.html"), settings, client, trusted)
    fetched = robots.fetched[0]
    assert fetched.error is None and len(fetched.body) == ROBOTS_MAX_BYTES
