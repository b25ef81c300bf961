"""Helpers for the alert tests: stored articles with hand-made extractions, a real webhook receiver
(an HTTP server on 127.0.0.1 that can fail or hang on purpose) and a real SMTP server (aiosmtpd).

The sentences are written for these tests; they describe fictional results.
"""
from __future__ import annotations

import email
import hashlib
import json
import socket
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from sqlmodel import Session

from kb.store.claims import store_extraction
from kb.db import utcnow
from kb.models import Article, StanceEvent
from kb.nlp.records import Extraction, ModelMention, ScoreClaim, StanceEvent as StanceRecord
from kb.settings import Settings


def score(model: str, benchmark: str, value: float, evidence: str, *, unit: str = "score",
          qualifier: Optional[str] = None, reported_by: Optional[str] = None) -> ScoreClaim:
    return ScoreClaim(model=model, benchmark=benchmark, value=value, unit=unit, qualifier=qualifier,
                      reported_by=reported_by, reporter_kind="vendor" if reported_by else None,
                      evidence=evidence, start=0, end=len(evidence))


def stance(org: str, model: Optional[str], which: str, evidence: str, planned: bool = False) -> StanceRecord:
    return StanceRecord(org=org, model=model, stance=which, planned=planned, evidence=evidence,
                        start=0, end=len(evidence))


def store_article(session: Session, url: str, *, scores=(), stances=(), models=(), outlet="Example Wire",
                  original_outlet: Optional[str] = None, title: Optional[str] = None,
                  fetched_at: Optional[datetime] = None, published_at: Optional[datetime] = None,
                  version: str = "test-1", article: Optional[Article] = None):
    """Store (or, given ARTICLE, re-extract) an article through kb.store.claims.store_extraction."""
    text = " ".join(s.evidence for s in scores) + " " + " ".join(s.evidence for s in stances)
    if article is None:
        article = Article(url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(),
                          content_hash=hashlib.sha256(text.encode()).hexdigest(),
                          title=title or f"Report at {url}", outlet=outlet, original_outlet=original_outlet,
                          published_at=published_at, fetched_at=fetched_at or utcnow(), text=text)
        session.add(article)
        session.flush()
    mentions = tuple(ModelMention(name=m, org=o) for m, o in models)
    result = store_extraction(session, article, Extraction(title=article.title or "", models=mentions,
                                                           scores=tuple(scores), stances=tuple(stances)),
                              extractor_version=version)
    session.flush()
    return article, result


def reference_stance(session: Session, org_name: str, model_name: str, which: str, when: datetime) -> None:
    """A history row (origin=reference), as a reference-data import would write it."""
    from kb.store.linking import link

    org, _ = link(session, "org", org_name, origin="reference")
    session.add(StanceEvent(event_key=hashlib.sha1(f"ref|{org_name}|{model_name}|{which}|{when}".encode()).hexdigest(),
                            org_id=org.id, model_name=model_name, stance=which, origin="reference",
                            reference_source="test reference table", occurred_at=when,
                            created_at=utcnow()))
    session.flush()


def settings_for(db_url: str, smtp_port: int = 1, **kw) -> Settings:
    base = dict(database_url=db_url, smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_from="aikb@test.local",
                webhook_timeout=2.0)
    base.update(kw)
    return Settings(**base)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# A webhook receiver
# ---------------------------------------------------------------------------------------------


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 recording JSON POSTs; `fail` answers that many with 500,
    `hang` makes every request wait that many seconds before answering."""

    def __init__(self):
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.requests = 0
        self.fail = 0
        self.hang = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests += 1
                    failing = receiver.fail > 0
                    if failing:
                        receiver.fail -= 1
                    hang = receiver.hang
                if hang:
                    time.sleep(hang)
                    return  # the client has given up; drop the connection
                if failing:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"receiver failing on purpose")
                    return
                with receiver._lock:
                    receiver.received.append(json.loads(body))
                    receiver.headers.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------------------
# An SMTP server
# ---------------------------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on 127.0.0.1 (a random free port) keeping every message it accepts."""

    def __init__(self, authenticator=None, tls_context=None):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.Message] = []
        self.tls_sessions: list[bool] = []  # per message: did it arrive over TLS
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                sink.messages.append(email.message_from_bytes(envelope.content))
                sink.tls_sessions.append(session.ssl is not None)
                return "250 OK"

        self.port = free_port()
        extra = {}
        if authenticator is not None:  # AUTH without TLS: the test server only listens on loopback
            extra = dict(authenticator=authenticator, auth_require_tls=False)
        if tls_context is not None:  # offer STARTTLS and insist on it
            extra.update(tls_context=tls_context, require_starttls=True)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **extra)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def later(hours: float = 0, minutes: float = 0) -> datetime:
    return utcnow() + timedelta(hours=hours, minutes=minutes)
