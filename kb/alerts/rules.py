"""Alert rules: what an analyst watches and where to be told. Stored in AlertRule, shown as RuleView.

Filters live in AlertRule.filters as JSON (benchmark, model, org, min_value, query); names are kept
as typed and resolved to entities when a rule is evaluated, so a rule may name a benchmark before
the news has.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional
from urllib.parse import urlsplit

from sqlalchemy import case, delete, func
from sqlmodel import Session, select

from kb.db import utcnow
from kb.errors import InputError, NotFound
from kb.models import Alert, AlertRule, Delivery, DigestItem
from kb.read.rule_names import check_rule_names

EVENTS = ("new-score", "new-record", "stance-shift", "stance-event", "new-model", "search", "dispute")
DIGESTS = ("instant", "hourly", "daily")
FILTER_KEYS = ("benchmark", "model", "org", "min_value", "query")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.?[^@\s<>,;\"]*$")


@dataclass(frozen=True)
class RuleView:
    """A rule as the CLI and UI see it."""

    id: int
    name: Optional[str]
    on: str
    benchmark: Optional[str]
    model: Optional[str]
    org: Optional[str]
    min_value: Optional[float]
    query: Optional[str]
    webhook_url: Optional[str]
    email: Optional[str]
    digest: str
    enabled: bool
    created_at: datetime
    alerts: int = 0
    unread: int = 0

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["created_at"] = self.created_at.isoformat()
        return data

    @property
    def label(self) -> str:
        """The rule's name, or a description built from its event and filters."""
        if self.name:
            return self.name
        parts = [self.on]
        for key in ("benchmark", "model", "org", "query"):
            if getattr(self, key):
                parts.append(f"{key}={getattr(self, key)}")
        if self.min_value is not None:
            parts.append(f"min={self.min_value:g}")
        return " ".join(parts)


def rule_filters(rule: AlertRule) -> dict:
    """The rule's filters as a dict (an unreadable JSON column counts as no filters)."""
    try:
        data = json.loads(rule.filters or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def to_view(rule: AlertRule, alerts: int = 0, unread: int = 0) -> RuleView:
    f = rule_filters(rule)
    return RuleView(
        id=rule.id, name=rule.name, on=rule.on, benchmark=f.get("benchmark"), model=f.get("model"),
        org=f.get("org"), min_value=f.get("min_value"), query=f.get("query"),
        webhook_url=rule.webhook_url, email=rule.email, digest=rule.digest, enabled=rule.enabled,
        created_at=rule.created_at, alerts=alerts, unread=unread,
    )


def _clean(value) -> Optional[str]:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _check_webhook(url: Optional[str]) -> Optional[str]:
    url = _clean(url)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise InputError(f"webhook is not a valid URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InputError(f"webhook must be an http(s) URL, got {url!r}")
    return url


def _check_email(addr: Optional[str]) -> Optional[str]:
    addr = _clean(addr)
    if addr is None:
        return None
    if not _EMAIL.match(addr):
        raise InputError(f"not an e-mail address: {addr!r}")
    return addr


def add_rule(session: Session, *, on: str, name: Optional[str] = None, benchmark: Optional[str] = None,
             model: Optional[str] = None, org: Optional[str] = None, min_value: Optional[float] = None,
             query: Optional[str] = None, webhook: Optional[str] = None, email: Optional[str] = None,
             digest: str = "instant", enabled: bool = True, now: Optional[datetime] = None,
             webhook_url: Optional[str] = None) -> RuleView:
    """Validate and store a rule; it alerts only on events that arrive after `now` (its created_at).

    Raises InputError for an unknown event or digest, a bad URL or address, or a taken name.
    """
    on = (on or "").strip().lower()
    if on not in EVENTS:
        raise InputError(f"unknown event {on!r}; use one of {', '.join(EVENTS)}")
    digest = (digest or "instant").strip().lower()
    if digest not in DIGESTS:
        raise InputError(f"unknown digest {digest!r}; use one of {', '.join(DIGESTS)}")
    filters = {"benchmark": _clean(benchmark), "model": _clean(model), "org": _clean(org),
               "query": _clean(query)}
    if min_value is not None:
        try:
            filters["min_value"] = float(min_value)
        except (TypeError, ValueError) as exc:
            raise InputError(f"--min-value must be a number, got {min_value!r}") from exc
        if not math.isfinite(filters["min_value"]):
            raise InputError(f"--min-value must be a finite number, got {min_value!r}")
    filters = {k: v for k, v in filters.items() if v is not None}
    if on == "search" and not filters:
        raise InputError("a search rule needs --query or at least one of --benchmark/--model/--org")
    name = _clean(name)
    if name is not None:
        if name.isdigit():
            raise InputError("a rule name cannot be a number (numbers are rule ids)")
        if session.exec(select(AlertRule.id).where(AlertRule.name == name)).first() is not None:
            raise InputError(f"a rule named {name!r} exists already")
    rule = AlertRule(name=name, on=on, filters=json.dumps(filters, sort_keys=True),
                     webhook_url=_check_webhook(webhook or webhook_url), email=_check_email(email),
                     digest=digest, enabled=enabled, created_at=now or utcnow())
    session.add(rule)
    session.flush()
    return to_view(rule)


def find_rule(session: Session, ref) -> AlertRule:
    """The rule with this id (an int or digits) or this name; NotFound otherwise."""
    text = str(ref).strip()
    rule = session.get(AlertRule, int(text)) if text.isdigit() else None
    if rule is None:
        rule = session.exec(select(AlertRule).where(AlertRule.name == text)).first()
    if rule is None:
        raise NotFound(f"no alert rule {text!r} (see `aikb alerts list`)")
    return rule


def list_rules(session: Session) -> list[RuleView]:
    """Every rule, oldest first, with its alert and unread counts."""
    counts = {
        rule_id: (total, unread or 0)
        for rule_id, total, unread in session.exec(
            select(Alert.rule_id, func.count(Alert.id),
                   func.sum(case((Alert.read == False, 1), else_=0)))  # noqa: E712
            .group_by(Alert.rule_id)
        ).all()
    }
    rules = session.exec(select(AlertRule).order_by(AlertRule.id)).all()
    return [to_view(r, *counts.get(r.id, (0, 0))) for r in rules]


def remove_rule(session: Session, rule_id) -> RuleView:
    """Delete a rule with its alerts and deliveries; returns what was removed. NotFound if absent."""
    rule = find_rule(session, rule_id)
    view = to_view(rule)
    delivery_ids = select(Delivery.id).where(Delivery.rule_id == rule.id)
    session.exec(delete(DigestItem).where(DigestItem.delivery_id.in_(delivery_ids)))
    session.exec(delete(Delivery).where(Delivery.rule_id == rule.id))
    session.exec(delete(Alert).where(Alert.rule_id == rule.id))
    session.delete(rule)
    session.flush()
    return view


def add_checked_rule(session: Session, *, allow_new: bool = False, **rule):
    """add_rule after kb.read.rule_names.check_rule_names: what the UI's rule form calls."""
    check_rule_names(session, benchmark=rule.get("benchmark"), model=rule.get("model"), org=rule.get("org"),
                     allow_new=allow_new)
    return add_rule(session, **rule)
