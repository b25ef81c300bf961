"""Planning messages: one per alert for instant rules, one per period for hourly/daily digests.

Planning only inserts Delivery rows (status pending); sending is kb.alerts.deliver's job. Every
insert is insert-if-absent on UNIQUE(rule_id, channel, dedupe_key), so planning twice, or two
deliverers planning at once, creates each message once. A digest covers a rule's alerts created
before the end of the last complete period (UTC hour or day) that no earlier digest on that
channel listed (DigestItem is UNIQUE(alert_id, channel)); an alert committed late joins the next
period's digest rather than being lost.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import exists
from sqlmodel import Session, col, select

from kb.alerts.evaluation import insert_ignore
from kb.models import Alert, AlertRule, Delivery, DigestItem, table_of

PERIODS = ("hourly", "daily")


def period_end(now: datetime, period: str) -> datetime:
    """The end of the last complete period at NOW: the start of the current UTC hour or day."""
    end = now.replace(minute=0, second=0, microsecond=0)
    return end.replace(hour=0) if period == "daily" else end


def channels(rule: AlertRule) -> Iterator[tuple[str, str]]:
    """(channel, target) pairs of a rule; the inbox needs no delivery (the Alert row is it)."""
    if rule.webhook_url:
        yield "webhook", rule.webhook_url
    if rule.email:
        yield "email", rule.email


def _pending(channel: str, target: str, rule_id: int, now: datetime, key: str, alert_id=None) -> dict:
    return dict(rule_id=rule_id, alert_id=alert_id, channel=channel, target=target, status="pending",
                attempts=0, created_at=now, dedupe_key=key, next_attempt_at=None)


def plan_instant(session: Session, rule: AlertRule, now: datetime) -> int:
    """A pending delivery per channel for each of the rule's alerts that has none; returns how many."""
    made = 0
    for channel, target in channels(rule):
        has = exists().where(col(Delivery.alert_id) == col(Alert.id), col(Delivery.channel) == channel)
        ids = session.exec(select(col(Alert.id)).where(col(Alert.rule_id) == rule.id, ~has).order_by(col(Alert.id))).all()
        for alert_id in ids:
            made += insert_ignore(session, table_of(Delivery),
                                  _pending(channel, target, rule.id, now, f"alert:{alert_id}", alert_id),
                                  ["rule_id", "channel", "dedupe_key"])
    return made


def plan_digest(session: Session, rule: AlertRule, now: datetime) -> int:
    """At most one pending digest per channel for the last complete period; returns how many."""
    end = period_end(now, rule.digest)
    made = 0
    for channel, target in channels(rule):
        listed = exists().where(col(DigestItem.alert_id) == col(Alert.id), col(DigestItem.channel) == channel)
        ids = session.exec(select(col(Alert.id)).where(col(Alert.rule_id) == rule.id, col(Alert.created_at) < end, ~listed)
                           .order_by(col(Alert.created_at), col(Alert.id))).all()
        if not ids:
            continue
        key = f"digest:{end.isoformat()}"
        if not insert_ignore(session, table_of(Delivery), _pending(channel, target, rule.id, now, key),
                             ["rule_id", "channel", "dedupe_key"]):
            continue  # this period's digest exists (another deliverer, or a late alert: next period)
        delivery_id = session.exec(select(Delivery.id).where(
            Delivery.rule_id == rule.id, Delivery.channel == channel, Delivery.dedupe_key == key)).one()
        for alert_id in ids:
            insert_ignore(session, table_of(DigestItem),
                          dict(delivery_id=delivery_id, alert_id=alert_id, channel=channel),
                          ["alert_id", "channel"])
        made += 1
    if made:
        rule.last_digest_at = end
        session.add(rule)
    return made


def plan(session: Session, now: datetime) -> int:
    """Plan the messages of every enabled rule with a channel; returns how many were created."""
    rules = session.exec(select(AlertRule).where(col(AlertRule.enabled) == True)  # noqa: E712
                         .order_by(col(AlertRule.id))).all()
    made = 0
    for rule in rules:
        if rule.digest in PERIODS:
            made += plan_digest(session, rule, now)
        else:
            made += plan_instant(session, rule, now)
    session.flush()
    return made
