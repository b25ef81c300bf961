"""Sending planned messages: lease, send (with retries), record, one delivery per transaction.

Exactly-once on our side: a delivery is sent only by whoever leases it (an UPDATE .. WHERE status
is due, committed before sending, so two deliverers never send the same row), and it is marked sent
in its own transaction right after the receiver confirmed. Crash window: if the process dies after
the receiver accepted but before that commit, the lease expires and the message is sent AGAIN. We
err towards a duplicate, never a loss; both channels carry a stable key (Idempotency-Key header and
payload field; Message-ID) so a receiver can drop the repeat.

Failures: up to TRIES attempts within a run with exponential backoff; then the row goes back to
pending with next_attempt_at = now + RETRY_BASE * 2**(runs-1) (capped), the error recorded; after
MAX_ATTEMPTS it is marked failed (kept, listed, revivable with `aikb alerts deliver --retry-failed`).
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from kb.alerts import messages
from kb.alerts.channels import SendFailed, post_webhook, send_email
from kb.alerts.digest import plan
from kb.db import utcnow
from kb.models import Alert, AlertRule, Delivery, DigestItem, table_of

log = logging.getLogger(__name__)

TRIES = 3  # attempts within one run
BACKOFF = 0.5  # seconds before the 2nd attempt; doubles after
RETRY_BASE = timedelta(minutes=1)  # across runs: 1, 2, 4 ... minutes
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 30  # about ten runs of three attempts, spread over half a day


@dataclass(frozen=True)
class DeliverySummary:
    """What one delivery run did."""

    planned: int = 0  # new messages planned (instant alerts, digests)
    sent: int = 0
    failed: int = 0  # failed this run, will be retried
    gave_up: int = 0  # failed for good (MAX_ATTEMPTS)
    busy: int = 0  # leased by another deliverer
    errors: tuple[str, ...] = ()


def _due(now: datetime, force: bool):
    pending_due = col(Delivery.status) == "pending"
    if not force:
        pending_due = and_(pending_due, or_(col(Delivery.next_attempt_at).is_(None), col(Delivery.next_attempt_at) <= now))
    stale_lease = and_(col(Delivery.status) == "sending", col(Delivery.next_attempt_at) <= now)
    return or_(pending_due, stale_lease)


def _lease(session: Session, delivery_id: int, now: datetime, until: datetime, force: bool) -> bool:
    """Take the delivery for this run; False when another deliverer has it (or it was sent)."""
    stmt = (update(table_of(Delivery)).where(col(Delivery.id) == delivery_id, _due(now, force))
            .values(status="sending", next_attempt_at=until))
    won = session.connection().execute(stmt).rowcount == 1
    session.commit()
    return won


def _message(session: Session, d: Delivery) -> Optional[messages.Message]:
    rule = session.get(AlertRule, d.rule_id)
    if rule is None:
        return None
    key = messages.delivery_key(d.rule_id, d.channel, d.dedupe_key or f"delivery:{d.id}")
    if d.alert_id is not None:
        alert = session.get(Alert, d.alert_id)
        return messages.single(rule, alert, key) if alert else None
    alerts = session.exec(select(Alert).join(DigestItem, col(DigestItem.alert_id) == col(Alert.id))
                          .where(col(DigestItem.delivery_id) == d.id).order_by(col(Alert.created_at), col(Alert.id))).all()
    if not alerts:
        return None
    end = datetime.fromisoformat((d.dedupe_key or "").split(":", 1)[1]) if (d.dedupe_key or "").startswith("digest:") \
        else d.created_at
    return messages.digest(rule, alerts, rule.digest, end, key)


def _send_once(settings, d: Delivery, msg: messages.Message, deadline: float) -> None:
    if d.channel == "webhook":
        post_webhook(d.target, msg.payload, timeout=settings.webhook_timeout,
                     user_agent=settings.user_agent, idempotency_key=msg.key, deadline=deadline)
    elif d.channel == "email":
        send_email(settings, d.target, msg.subject, msg.text,
                   message_id=messages.message_id(msg.key, settings.smtp_from), deadline=deadline)
    else:
        raise SendFailed(f"unknown channel {d.channel!r}")


def _receiver(settings, d: Delivery) -> tuple[str, str]:
    """Who answers for D: the webhook's origin, or the one SMTP server every e-mail goes through."""
    if d.channel == "email":
        return "email", f"{settings.smtp_host}:{settings.smtp_port}"
    parts = urlsplit(d.target or "")
    return d.channel, f"{parts.scheme}://{parts.netloc}"


def _deadline_seconds(settings) -> float:
    return max(float(getattr(settings, "delivery_deadline", 30.0) or 30.0), 0.1)


def _retry_at(now: datetime, attempts: int, tries: int) -> datetime:
    runs = max(1, math.ceil(attempts / max(tries, 1)))
    return now + min(RETRY_CAP, RETRY_BASE * (2 ** (runs - 1)))


def deliver(session: Session, settings, now: Optional[datetime] = None, *, force: bool = False,
            tries: int = TRIES, backoff: float = BACKOFF,
            sleep: Callable[[float], None] = time.sleep) -> DeliverySummary:
    """Plan new messages, then send every due one; commits after each step.

    Args:
        session: an open session; deliver commits (planning, each lease, each outcome).
        settings: kb.settings.Settings (SMTP, webhook timeout, user agent).
        now: the clock for due times (default: now).
        force: also send pending messages whose backoff has not expired (`aikb alerts deliver`).
        tries, backoff, sleep: attempts within this run and the pause before the 2nd (doubling).
    Returns:
        DeliverySummary(planned, sent, failed, gave_up, busy, errors).
    """
    now = now or utcnow()
    planned = plan(session, now)
    session.commit()
    # Every attempt of one delivery in this run shares one deadline (connect, TLS, each command, the
    # whole message, the pauses between tries), so a trickling receiver holds a run at most that long.
    # The lease outlives the deadline: a process that dies mid-send leaves a `sending` row that a
    # later run takes over once the lease has expired (a stale lease is due again, see _due).
    budget = _deadline_seconds(settings)
    lease_for = timedelta(seconds=budget + 60)
    ids = session.exec(select(col(Delivery.id)).where(_due(now, force))
                       .order_by(col(Delivery.created_at), col(Delivery.id))).all()
    sent = failed = gave_up = busy = 0
    errors: list[str] = []
    down: dict[tuple[str, str], str] = {}  # receivers unreachable this run: the rest wait for the next
    for delivery_id in ids:
        pending = session.get(Delivery, delivery_id)
        if pending is not None and _receiver(settings, pending) in down:
            failed += 1  # not tried again this run: one unreachable receiver costs one deadline
            continue
        if not _lease(session, delivery_id, now, now + lease_for, force):
            busy += 1
            continue
        d = session.get(Delivery, delivery_id)
        if d is None:
            continue  # (never: the lease just updated this row)
        msg = _message(session, d)
        error, n, unreachable = None, 0, False
        if msg is None:
            error, n = "nothing to send: the rule or its alerts were removed", tries
            d.attempts = MAX_ATTEMPTS - n  # give up at once: retrying cannot help
        else:
            error, n, unreachable = _attempts(settings, d, msg, time.monotonic() + budget, tries, backoff, sleep)
            if error is not None and unreachable:
                down[_receiver(settings, d)] = error
        d.attempts += n
        outcome = _record_outcome(d, error, now, tries)
        if outcome == "sent":
            sent += 1
        elif outcome == "failed":
            gave_up += 1
            errors.append(f"delivery {d.id} ({d.channel} {d.target}) gave up: {error}")
        else:
            failed += 1
            errors.append(f"delivery {d.id} ({d.channel} {d.target}): {error}")
        session.add(d)
        session.commit()  # the outcome of each message is durable before the next is tried
    return DeliverySummary(planned=planned, sent=sent, failed=failed, gave_up=gave_up, busy=busy,
                           errors=tuple(errors))


def _attempts(settings, d: Delivery, msg, deadline: float, tries: int, backoff: float,
              sleep: Callable[[float], None]) -> tuple[Optional[str], int, bool]:
    """Send MSG for delivery D up to TRIES times before DEADLINE (monotonic), pausing BACKOFF (doubling).

    Returns (the last error or None when sent, the attempts made, whether the receiver was unreachable).
    """
    error, n, unreachable = None, 0, False
    for n in range(1, tries + 1):
        try:
            _send_once(settings, d, msg, deadline)
            return None, n, unreachable
        except SendFailed as exc:
            error, unreachable = str(exc), exc.unreachable
            log.warning("delivery %s (%s to %s) attempt %d failed: %s",
                        d.id, d.channel, d.target, d.attempts + n, error)
            pause = backoff * 2 ** (n - 1)
            if n >= tries or time.monotonic() + pause >= deadline:
                break  # the deadline is spent: the next run retries
            sleep(pause)
    return error, n, unreachable


def _record_outcome(d: Delivery, error: Optional[str], now: datetime, tries: int) -> str:
    """Set D's status after this run's attempts: "sent", "failed" (given up) or "pending" (retried later)."""
    if error is None:
        d.status, d.sent_at, d.last_error, d.next_attempt_at = "sent", now, None, None
    elif d.attempts >= MAX_ATTEMPTS:
        d.status, d.last_error, d.next_attempt_at = "failed", error, None
    else:
        d.status, d.last_error, d.next_attempt_at = "pending", error, _retry_at(now, d.attempts, tries)
    return d.status


def retry_failed(session: Session) -> int:
    """Put deliveries that gave up back in the queue (attempts reset); returns how many."""
    stmt = (update(table_of(Delivery)).where(col(Delivery.status) == "failed")
            .values(status="pending", attempts=0, next_attempt_at=None))
    n = session.connection().execute(stmt).rowcount
    session.commit()
    return n


def run_alerts(engine, settings, now: Optional[datetime] = None, *, force: bool = False):
    """Evaluate every rule (committed), then deliver: what `aikb watch` does after each ingest.

    Returns:
        (EvalSummary, DeliverySummary).
    """
    from kb.alerts.evaluation import evaluate

    with Session(engine) as session:
        found = evaluate(session, settings, now=now)
        session.commit()
    with Session(engine) as session:
        sent = deliver(session, settings, now=now, force=force)
    return found, sent
