"""Evaluate every enabled rule: insert one Alert per rule and event, at most once, ever.

Exactly once rests on the database, not on memory: Alert has UNIQUE(rule_id, dedupe_key) and rows
are inserted with INSERT .. ON CONFLICT DO NOTHING (SQLite and PostgreSQL), so a claim reported by
five outlets, re-ingested, re-extracted (new row ids, same claim_key) or met again after a restart,
or two evaluators racing, still yields one row. Finders also skip keys that already fired.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kb.alerts.events import Event, dispute_events, record_events, score_events, search_events
from kb.alerts.org_events import model_events, shift_events, stance_events
from kb.alerts.rules import rule_filters
from kb.db import utcnow
from kb.models import Alert, AlertRule, table_of

log = logging.getLogger(__name__)

RESCAN = timedelta(hours=1)  # how far back each run looks again (see evaluate)

FINDERS: dict[str, Callable] = {
    "new-score": score_events,
    "new-record": record_events,
    "search": search_events,
    "stance-event": stance_events,
    "stance-shift": shift_events,
    "new-model": model_events,
    "dispute": dispute_events,
}


@dataclass(frozen=True)
class EvalSummary:
    """What one evaluation did: rules looked at, alerts created (per rule id)."""

    rules: int
    created: int
    per_rule: tuple[tuple[int, int], ...] = ()


def insert_ignore(session: Session, table: Table, values: dict[str, Any], unique: list[str]) -> bool:
    """INSERT a row unless one with the same UNIQUE columns exists; True when this call inserted it.

    ON CONFLICT DO NOTHING on SQLite and PostgreSQL (race-safe: a concurrent insert of the same key
    waits for the other transaction, then does nothing); a savepoint elsewhere.
    """
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]  # same API as SQLite's
        # RETURNING rather than rowcount: with psycopg an INSERT .. RETURNING reports no rowcount
        stmt = (insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)
                .returning(*table.primary_key.columns))
        return session.connection().execute(stmt).first() is not None
    try:
        with session.begin_nested():
            session.connection().execute(table.insert().values(**values))
        return True
    except IntegrityError:
        return False


def insert_alert(session: Session, rule: AlertRule, event: Event, now: datetime) -> bool:
    """Insert the alert unless (rule, dedupe key) exists; True when this call inserted it."""
    values = dict(rule_id=rule.id, dedupe_key=event.dedupe_key, kind=event.kind,
                  title=event.title[:1000], body=event.body,
                  payload=json.dumps(event.payload, ensure_ascii=False, default=str),
                  created_at=now, read=False)
    return insert_ignore(session, table_of(Alert), values, ["rule_id", "dedupe_key"])


def evaluate(session: Session, settings=None, now: Optional[datetime] = None) -> EvalSummary:
    """Find each enabled rule's new events and store them as alerts (flushes; the caller commits).

    Args:
        session: an open session; evaluate runs in its transaction (the ingest run's, when called
            from the pipeline) and never commits.
        settings: kb.settings.Settings (unused today; kept so every stage has one signature).
        now: the alerts' created_at (default: now).
    Returns:
        EvalSummary(rules, created, per_rule).
    """
    now = now or utcnow()
    rules = session.exec(select(AlertRule).where(col(AlertRule.enabled) == True)  # noqa: E712
                         .order_by(col(AlertRule.id))).all()
    per_rule = []
    for rule in rules:
        finder = FINDERS.get(rule.on)
        if finder is None:
            log.warning("alert rule %s has an unknown event %r; skipped", rule.id, rule.on)
            continue
        created = 0
        filters = rule_filters(rule)
        while True:
            found = finder(session, rule, filters)
            created += sum(insert_alert(session, rule, ev, now) for ev in found.events)
            if found.more is None:
                break
            rule.scan_after, rule.scan_after_id = found.more  # a full page: read on from there
        # Next time, re-read only the last RESCAN (rows committed a little after they were stamped
        # are still seen; re-reading is harmless since alerts are insert-if-absent).
        # The real clock, not NOW: rows are stamped with it, and NOW may be a test's or a replay's.
        rule.scan_after, rule.scan_after_id = utcnow() - RESCAN, 0
        session.add(rule)
        per_rule.append((rule.id, created))
    session.flush()
    return EvalSummary(rules=len(rules), created=sum(n for _, n in per_rule), per_rule=tuple(per_rule))
