"""The in-app inbox: every alert is an inbox item, read or unread (the UI's Alerts page)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import update
from sqlmodel import Session, col, select

from kb.alerts.messages import rule_label
from kb.models import Alert, AlertRule, Delivery, table_of


@dataclass(frozen=True)
class AlertView:
    """One alert as the CLI and UI show it; `deliveries` is e.g. (("webhook", "sent"),)."""

    id: int
    rule_id: int
    rule: str  # the rule's name or description
    kind: str
    title: str
    body: str
    payload: dict
    created_at: datetime
    read: bool
    deliveries: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["created_at"] = self.created_at.isoformat()
        data["deliveries"] = [list(d) for d in self.deliveries]
        return data


def _payload(text: str) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def list_alerts(session: Session, unread_only: bool = False, limit: int = 100,
                rule_id: Optional[int] = None) -> list[AlertView]:
    """The newest alerts first (optionally only unread ones, or one rule's)."""
    stmt = select(Alert, AlertRule).join(AlertRule, col(AlertRule.id) == col(Alert.rule_id))
    if unread_only:
        stmt = stmt.where(Alert.read == False)  # noqa: E712
    if rule_id is not None:
        stmt = stmt.where(Alert.rule_id == rule_id)
    rows = session.exec(stmt.order_by(col(Alert.created_at).desc(), col(Alert.id).desc()).limit(max(int(limit), 0))).all()
    ids = [a.id for a, _ in rows]
    status: dict[Optional[int], list[tuple[str, str]]] = {}  # (alert_id is a nullable column)
    if ids:
        for alert_id, channel, state in session.exec(
                select(Delivery.alert_id, Delivery.channel, Delivery.status).where(col(Delivery.alert_id).in_(ids))):
            status.setdefault(alert_id, []).append((channel, state))
    return [AlertView(id=a.id, rule_id=a.rule_id, rule=rule_label(r), kind=a.kind, title=a.title,
                      body=a.body, payload=_payload(a.payload), created_at=a.created_at, read=a.read,
                      deliveries=tuple(sorted(status.get(a.id, ()))))
            for a, r in rows]


def mark_read(session: Session, ids: Optional[Iterable[int]] = None, read: bool = True) -> int:
    """Mark these alerts (all alerts when IDS is None) read; returns how many changed."""
    stmt = update(table_of(Alert)).where(col(Alert.read) != read).values(read=read)
    if ids is not None:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        stmt = stmt.where(col(Alert.id).in_(ids))
    n = session.connection().execute(stmt).rowcount
    session.flush()
    return n
