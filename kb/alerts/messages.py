"""What a delivery says: one alert, or a digest listing several, as webhook JSON and as e-mail.

Alert text comes from news (untrusted): in the Slack `text` it is escaped (&, <, >) so it cannot
form links or mentions; the structured payload carries it as plain JSON strings.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Sequence

from kb.models import Alert, AlertRule

DIGEST_LIST_MAX = 50  # e-mail/Slack lines; the webhook payload always lists every alert


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # plain text: the e-mail body
    payload: dict  # the webhook JSON (with a Slack-compatible "text")
    key: str  # idempotency key: stable for the delivery, so a receiver can drop a resend


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rule_label(rule: AlertRule) -> str:
    if rule.name:
        return rule.name
    try:
        filters = json.loads(rule.filters or "{}")
    except ValueError:
        filters = {}
    facets = ", ".join(f"{k}={v}" for k, v in sorted(filters.items()))
    return f"{rule.on}" + (f" ({facets})" if facets else "")


def alert_json(alert: Alert) -> dict:
    try:
        data = json.loads(alert.payload or "{}")
    except ValueError:
        data = {}
    return {"id": alert.id, "kind": alert.kind, "title": alert.title, "body": alert.body,
            "created_at": alert.created_at.isoformat(), "dedupe_key": alert.dedupe_key, "data": data}


def _rule_json(rule: AlertRule) -> dict:
    return {"id": rule.id, "name": rule.name, "on": rule.on, "label": rule_label(rule)}


def delivery_key(rule_id: int, channel: str, dedupe_key: str) -> str:
    return f"aikb:{rule_id}:{channel}:{dedupe_key}"


def message_id(key: str, sender: str) -> str:
    """A Message-ID derived from the delivery key (same delivery, same id)."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "aikb.local"
    return f"<{hashlib.sha1(key.encode()).hexdigest()}@{domain}>"


def single(rule: AlertRule, alert: Alert, key: str) -> Message:
    """The message for one alert of an instant rule."""
    label = rule_label(rule)
    text = f"{alert.title}\n{alert.body}\n\n(aikb rule: {label})"
    payload = {"text": slack_escape(f"{alert.title}\n{alert.body}"), "rule": _rule_json(rule),
               "alert": alert_json(alert), "idempotency_key": key}
    return Message(subject=f"[aikb] {alert.title}", text=text, payload=payload, key=key)


def digest(rule: AlertRule, alerts: Sequence[Alert], period: str, period_end, key: str) -> Message:
    """One message listing every alert of a digest period."""
    label = rule_label(rule)
    n = len(alerts)
    head = f"aikb {period} digest, {label}: {n} alert{'s' if n != 1 else ''} to {period_end:%Y-%m-%d %H:%M} UTC"
    lines = [f"- {a.title}" for a in alerts[:DIGEST_LIST_MAX]]
    if n > DIGEST_LIST_MAX:
        lines.append(f"... and {n - DIGEST_LIST_MAX} more (see `aikb alerts inbox`)")
    details = "\n\n".join(f"{a.title}\n{a.body}" for a in alerts[:DIGEST_LIST_MAX])
    text = head + "\n\n" + "\n".join(lines) + "\n\n" + details + "\n"
    payload = {"text": slack_escape(head + "\n" + "\n".join(lines)), "rule": _rule_json(rule),
               "digest": {"period": period, "period_end": period_end.isoformat(), "count": n},
               "alerts": [alert_json(a) for a in alerts], "idempotency_key": key}
    return Message(subject=f"[aikb] {period} digest: {n} alert{'s' if n != 1 else ''} ({label})",
                   text=text, payload=payload, key=key)
