"""Delivery over a real webhook receiver and a real SMTP server, on both databases: one message per
alert per channel, nothing twice, failures retried on the next run, digests grouped per period."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

import kb.alerts.delivery as deliver_mod
from kb.alerts import add_rule, deliver, evaluate, list_alerts, retry_failed
from kb.db import open_engine, utcnow
from kb.models import Delivery, DigestItem
from tests._alert_fixtures import SmtpSink, WebhookReceiver, score, settings_for, store_article

BENCH = "CharXiv Reasoning"


def _claims(session, tag: str, values=(71.5, 66.0)):
    names = ["Corvid 2", "Tessel Pro", "Quill 3", "Vela 1"]
    store_article(session, f"https://wire.example/{tag}", scores=[
        score(names[i], BENCH, v, f"{names[i]} posted {v} on CharXiv Reasoning in the {tag} round.")
        for i, v in enumerate(values)])
    session.commit()


@pytest.fixture
def hook():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


def _run(session, settings, now=None, **kw):
    evaluate(session, settings, now=now)
    session.commit()
    return deliver(session, settings, now=now, backoff=0.01, **kw)


def test_one_message_per_new_claim_on_each_channel_and_none_on_second_run(db_url, hook, smtp):
    settings = settings_for(db_url, smtp.port)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", benchmark=BENCH, webhook=hook.url, email="analyst@example.org",
                 name="charxiv")
        s.commit()
        _claims(s, "first")
        summary = _run(s, settings)
        assert (summary.planned, summary.sent, summary.failed) == (4, 4, 0)
        assert len(hook.received) == 2 and len(smtp.messages) == 2
        texts = sorted(p["text"] for p in hook.received)
        assert texts[0].startswith("New score: Corvid 2 71.5 on CharXiv Reasoning")
        assert {p["alert"]["data"]["value"] for p in hook.received} == {71.5, 66.0}
        assert {p["rule"]["name"] for p in hook.received} == {"charxiv"}
        subjects = sorted(m["Subject"] for m in smtp.messages)
        assert subjects[0].startswith("[aikb] New score: Corvid 2 71.5")
        assert all(m["To"] == "analyst@example.org" for m in smtp.messages)
        # the same claims again from another outlet, and another run: nothing new anywhere
        store_article(s, "https://copy.example/first", outlet="Copy Desk", scores=[
            score("Corvid 2", BENCH, 71.5, "Corvid 2 posted 71.5 on CharXiv Reasoning, a copy says.")])
        s.commit()
        summary = _run(s, settings)
        assert (summary.planned, summary.sent) == (0, 0)
        assert len(hook.received) == 2 and len(smtp.messages) == 2
        inbox = list_alerts(s, unread_only=True)
        assert len(inbox) == 2
        assert all(dict(a.deliveries) == {"email": "sent", "webhook": "sent"} for a in inbox)


def test_failed_webhook_is_recorded_and_delivered_on_the_next_run(db_url, hook):
    settings = settings_for(db_url)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url)
        s.commit()
        _claims(s, "fail", values=(71.5,))
        hook.fail = 3  # every try of this run
        t0 = utcnow()
        summary = _run(s, settings, now=t0)
        assert (summary.sent, summary.failed) == (0, 1)
        assert hook.requests == 3 and hook.received == []
        d = s.exec(select(Delivery)).one()
        assert d.status == "pending" and d.attempts == 3 and "HTTP 500" in d.last_error
        assert d.next_attempt_at > t0
        # a run before the backoff expires leaves it alone
        assert deliver(s, settings, now=t0 + timedelta(seconds=5), backoff=0.01).sent == 0
        assert hook.requests == 3
        # the next run after it delivers it, once
        summary = deliver(s, settings, now=d.next_attempt_at + timedelta(seconds=1), backoff=0.01)
        assert summary.sent == 1 and len(hook.received) == 1
        s.expire_all()
        d = s.exec(select(Delivery)).one()
        assert (d.status, d.attempts, d.last_error) == ("sent", 4, None)
        assert deliver(s, settings, now=t0 + timedelta(hours=1), force=True).sent == 0
        assert len(hook.received) == 1


def test_retries_with_backoff_within_a_run(db_url, hook):
    settings = settings_for(db_url)
    pauses = []
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url)
        s.commit()
        _claims(s, "flaky", values=(71.5,))
        hook.fail = 2
        evaluate(s, settings)
        s.commit()
        summary = deliver(s, settings, backoff=0.2, sleep=lambda sec: (pauses.append(sec), time.sleep(sec)))
        assert summary.sent == 1 and len(hook.received) == 1
        assert pauses == [0.2, 0.4]
        assert s.exec(select(Delivery.attempts)).one() == 3


def test_hanging_webhook_times_out_and_is_retried_later(db_url, hook):
    settings = settings_for(db_url, webhook_timeout=0.3)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url)
        s.commit()
        _claims(s, "hang", values=(71.5,))
        hook.hang = 2.0
        started = time.monotonic()
        summary = _run(s, settings, tries=2)
        assert time.monotonic() - started < 5
        assert summary.failed == 1 and "timeout" in summary.errors[0]
        hook.hang = 0
        assert deliver(s, settings, force=True, backoff=0.01).sent == 1
        assert len(hook.received) == 1


def test_digest_sends_one_message_per_channel_per_period(db_url, hook, smtp):
    settings = settings_for(db_url, smtp.port)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url, email="desk@example.org", digest="hourly")
        s.commit()
        t0 = utcnow().replace(minute=5)  # the periods below must not depend on the minute we run at
        _claims(s, "batch1", values=(71.5, 66.0, 59.9))
        assert _run(s, settings, now=t0).sent == 0  # the hour is not over
        assert hook.received == [] and smtp.messages == []
        summary = _run(s, settings, now=t0 + timedelta(hours=1))
        assert summary.sent == 2
        assert len(hook.received) == 1 and len(smtp.messages) == 1
        payload = hook.received[0]
        assert payload["digest"]["count"] == 3 and len(payload["alerts"]) == 3
        assert "3 alerts" in payload["text"] and "Quill 3" in payload["text"]
        assert "hourly digest: 3 alerts" in smtp.messages[0]["Subject"]
        assert "Tessel Pro" in smtp.messages[0].get_payload()
        # the same period again: nothing
        assert _run(s, settings, now=t0 + timedelta(hours=1, minutes=5)).sent == 0
        # a new alert goes in the next period's single digest
        _claims(s, "batch2", values=(77.7,))
        evaluate(s, settings, now=t0 + timedelta(hours=1, minutes=10))
        s.commit()
        assert deliver(s, settings, now=t0 + timedelta(hours=2)).sent == 2
        assert len(hook.received) == 2 and hook.received[1]["digest"]["count"] == 1
        assert len(s.exec(select(DigestItem)).all()) == 2 * 4


def test_daily_digest_waits_for_the_day_to_end(db_url, hook):
    settings = settings_for(db_url)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url, digest="daily")
        s.commit()
        t0 = utcnow().replace(hour=9, minute=0)
        _claims(s, "day", values=(71.5, 66.0))
        assert _run(s, settings, now=t0).sent == 0
        assert deliver(s, settings, now=t0 + timedelta(hours=5)).sent == 0
        assert deliver(s, settings, now=t0 + timedelta(hours=15)).sent == 1
        assert hook.received[0]["digest"]["count"] == 2


def test_a_leased_delivery_is_not_sent_twice_and_a_stale_lease_is_taken_over(db_url, hook):
    settings = settings_for(db_url)
    engine = open_engine(db_url)
    with Session(engine) as s:
        add_rule(s, on="new-score", webhook=hook.url)
        s.commit()
        _claims(s, "lease", values=(71.5,))
        evaluate(s, settings)
        s.commit()
        from kb.alerts.digest import plan

        plan(s, utcnow())
        s.commit()
        d_id = s.exec(select(Delivery.id)).one()
    t0 = utcnow()
    with Session(engine) as other:  # another deliverer took it, then (say) crashed mid-send
        assert deliver_mod._lease(other, d_id, t0, t0 + timedelta(minutes=5), force=False)
    with Session(engine) as s:
        assert deliver(s, settings, now=t0 + timedelta(minutes=1), force=True).sent == 0
        assert hook.requests == 0
        # after the lease expires the message is sent (at least once: we never lose it)
        assert deliver(s, settings, now=t0 + timedelta(minutes=6)).sent == 1
        assert len(hook.received) == 1
        key = hook.received[0]["idempotency_key"]
        assert hook.headers[0]["Idempotency-Key"] == key


def test_gives_up_after_max_attempts_and_can_be_revived(db_url, hook, monkeypatch):
    monkeypatch.setattr(deliver_mod, "MAX_ATTEMPTS", 2)
    settings = settings_for(db_url)
    with Session(open_engine(db_url)) as s:
        add_rule(s, on="new-score", webhook=hook.url)
        s.commit()
        _claims(s, "dead", values=(71.5,))
        hook.fail = 10
        summary = _run(s, settings, tries=2)
        assert summary.gave_up == 1
        assert deliver(s, settings, force=True).sent == 0  # failed rows are not retried by default
        assert retry_failed(s) == 1
        hook.fail = 0
        assert deliver(s, settings, force=True).sent == 1
        assert json.loads(json.dumps(hook.received[0]))["alert"]["kind"] == "new-score"


def test_smtp_login_uses_the_password_from_the_environment_only(db_url, monkeypatch):
    from aiosmtpd.smtp import AuthResult

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-from-env")

    monkeypatch.setenv("AIKB_SMTP_PASSWORD", "s3cret-from-env")
    with SmtpSink(authenticator=authenticator) as smtp:
        settings = settings_for(db_url, smtp.port, smtp_user="analyst")
        with Session(open_engine(db_url)) as s:
            add_rule(s, on="new-score", email="desk@example.org")
            s.commit()
            _claims(s, "auth", values=(71.5,))
            assert _run(s, settings).sent == 1
            assert seen == [(b"analyst", b"s3cret-from-env")] and len(smtp.messages) == 1
            # the secret is nowhere in the store
            from sqlalchemy import text

            for table in ("alertrule", "alert", "delivery"):
                rows = s.connection().execute(text(f"select * from {table}")).all()
                assert "s3cret" not in repr(rows)


def _self_signed(tmp_path):
    """A certificate for 127.0.0.1 made with the openssl command (skips when it is missing)."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl command not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_email_over_starttls_verifies_the_server(db_url, tmp_path, monkeypatch):
    import ssl

    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    with SmtpSink(tls_context=server_tls) as smtp:
        settings = settings_for(db_url, smtp.port, smtp_starttls=True)
        with Session(open_engine(db_url)) as s:
            add_rule(s, on="new-score", email="desk@example.org")
            s.commit()
            _claims(s, "tls", values=(71.5,))
            # the client trusts only the system's CAs: the self-signed server is refused, and recorded
            summary = _run(s, settings, tries=1)
            assert summary.failed == 1 and "CERTIFICATE_VERIFY_FAILED" in summary.errors[0]
            assert smtp.messages == []
            # trusting this certificate (as a site would add its own CA), the retry goes through TLS
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
            assert deliver(s, settings, force=True).sent == 1
        assert len(smtp.messages) == 1 and smtp.tls_sessions == [True]
