"""Organization events a rule can watch: licensing stance events, stance shifts, new models.

Stance alerts are keyed by what was said, not by which article said it: (org, model, stance,
planned, licence) for an event, plus the stance it departs from for a shift. So five outlets (or a
re-extraction, which re-creates the rows) reporting "Meta keeps Muse Spark closed" alert once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from kb.alerts.events import Event, Found, _iso, _key, entity_ids, window
from kb.models import Alert, AlertRule, Article, ArticleEntity, Entity, StanceEvent
from kb.text.keys import name_key

REFERENCE = "reference"


def _stance_label(stance: str, planned: bool) -> str:
    word = "open weights" if stance == "open" else "closed"
    return f"plans to go {word}" if planned else word


def _new_stance_events(session: Session, rule: AlertRule, filters: dict) -> list[StanceEvent]:
    """News stance events that arrived after the rule (reference rows are history, never news)."""
    fetched_before = (
        select(Article.id).where(Article.id == StanceEvent.article_id,
                                 Article.fetched_at <= rule.created_at).exists()
    )
    stmt = select(StanceEvent).where(window(rule, StanceEvent.created_at, StanceEvent.id),
                                     StanceEvent.origin != REFERENCE, ~fetched_before)
    org_ids = entity_ids(session, "org", filters.get("org"))
    if org_ids is not None:
        stmt = stmt.where(StanceEvent.org_id.in_(org_ids or {-1}))
    model_ids = entity_ids(session, "model", filters.get("model"))
    if model_ids is not None:
        stmt = stmt.where(StanceEvent.model_id.in_(model_ids or {-1}))
    # no LIMIT: dedupe keys are computed here, so a limit could starve later events (they are rare)
    stmt = stmt.order_by(StanceEvent.occurred_at, StanceEvent.id)
    return list(session.exec(stmt).all())


def _alerted(session: Session, rule: AlertRule, keys: set[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.exec(select(Alert.dedupe_key).where(Alert.rule_id == rule.id,
                                                           Alert.dedupe_key.in_(keys))).all())


def _when(e: StanceEvent) -> datetime:
    return e.occurred_at or e.created_at


def _describe(session: Session, e: StanceEvent) -> tuple[str, dict]:
    org = session.get(Entity, e.org_id) if e.org_id else None
    model = session.get(Entity, e.model_id) if e.model_id else None
    article = session.get(Article, e.article_id) if e.article_id else None
    model_name = model.name if model else e.model_name
    who = org.name if org else "an organization"
    text = f"{who}: {model_name + ' ' if model_name else ''}{_stance_label(e.stance, e.planned)}"
    if e.license:
        text += f" ({e.license})"
    payload = {"event_key": e.event_key, "org": org.name if org else None, "model": model_name,
               "stance": e.stance, "planned": e.planned, "license": e.license, "origin": e.origin,
               "occurred_at": _iso(e.occurred_at), "evidence": e.evidence,
               "article": ({"id": article.id, "title": article.title, "url": article.url,
                            "outlet": article.original_outlet or article.outlet} if article else None)}
    return text, payload


def _body(text: str, payload: dict) -> str:
    lines = [text + "."]
    art = payload.get("article")
    if art:
        lines.append(f"Reported by {art.get('outlet') or 'an article'}"
                     + (f" ({art['url']})" if art.get("url") else "") + ":")
    if payload.get("evidence"):
        lines.append(f"  \u201c{payload['evidence']}\u201d")
    return "\n".join(lines)


def _said_key(e: StanceEvent) -> tuple:
    return (e.org_id, name_key(e.model_name or ""), e.stance, bool(e.planned), name_key(e.license or ""))


def stance_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """stance-event: each new thing said about an organization's licensing."""
    found = {}
    for e in _new_stance_events(session, rule, filters):
        found.setdefault(_key("stance", *_said_key(e)), e)
    done = _alerted(session, rule, set(found))
    events = []
    for key, e in found.items():
        if key in done:
            continue
        text, payload = _describe(session, e)
        events.append(Event("stance-event", key, f"Stance: {text}", _body(text, payload), payload))
    return Found(events)


def _stance_before(session: Session, e: StanceEvent) -> Optional[StanceEvent]:
    """The organization's latest current (not planned) stance dated strictly before E, any origin."""
    rows = session.exec(
        select(StanceEvent).where(StanceEvent.org_id == e.org_id, StanceEvent.id != e.id,
                                  StanceEvent.planned == False)  # noqa: E712
    ).all()
    earlier = [r for r in rows if _when(r) < _when(e)]
    return max(earlier, key=lambda r: (_when(r), r.created_at, r.id), default=None)


def shift_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """stance-shift: a new stance event whose stance differs from the organization's stance before it.

    History includes reference rows (origin=reference), so the first news event can be a shift.
    """
    found = {}
    for e in _new_stance_events(session, rule, filters):
        if e.org_id is None:
            continue
        prev = _stance_before(session, e)
        if prev is None or prev.stance == e.stance:
            continue
        key = _key("shift", *_said_key(e), prev.stance, name_key(prev.model_name or ""),
                   _when(prev).date().isoformat())
        found.setdefault(key, (e, prev))
    done = _alerted(session, rule, set(found))
    events = []
    for key, (e, prev) in found.items():
        if key in done:
            continue
        text, payload = _describe(session, e)
        _, before = _describe(session, prev)
        payload["previous"] = before
        arrow = f"{_stance_label(prev.stance, False)} \u2192 {_stance_label(e.stance, e.planned)}"
        title = f"Stance shift, {payload['org'] or 'organization'}: {arrow}"
        body = _body(text, payload) + (f"\nBefore: {before['model'] or before['org']} "
                                       f"{_stance_label(prev.stance, False)}"
                                       f" ({(before['occurred_at'] or '')[:10]}, {prev.origin}).")
        events.append(Event("stance-shift", key, title, body, payload))
    return Found(events)


def model_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """new-model: a model first mentioned by an article fetched after the rule.

    A model with no article mentions counts from its creation, when the news created it (a
    gazetteer or reference load is not news).
    """
    first_seen = (
        select(func.min(Article.fetched_at)).join(ArticleEntity, ArticleEntity.article_id == Article.id)
        .where(ArticleEntity.entity_id == Entity.id).scalar_subquery()
    )
    stmt = select(Entity, first_seen).where(Entity.kind == "model", Entity.merged_into_id.is_(None))
    org_ids = entity_ids(session, "org", filters.get("org"))
    if org_ids is not None:
        stmt = stmt.where(Entity.org_id.in_(org_ids or {-1}))
    after = max(rule.created_at, rule.scan_after) if rule.scan_after else rule.created_at
    stmt = stmt.where(or_(and_(first_seen > rule.created_at, first_seen > after),
                          (first_seen.is_(None)) & (Entity.created_at > after)
                          & Entity.origin.in_(("news", "manual"))))
    rows = session.exec(stmt.order_by(Entity.id)).all()  # no LIMIT, as for stances
    found = {_key("model", m.key): (m, seen) for m, seen in rows}
    done = _alerted(session, rule, set(found))
    events = []
    for key, (m, seen) in found.items():
        if key in done:
            continue
        org = session.get(Entity, m.org_id) if m.org_id else None
        article = session.exec(
            select(Article).join(ArticleEntity, ArticleEntity.article_id == Article.id)
            .where(ArticleEntity.entity_id == m.id).order_by(Article.fetched_at, Article.id).limit(1)
        ).first()
        payload = {"model": m.name, "org": org.name if org else None, "family": m.family,
                   "first_seen_at": _iso(seen or m.created_at),
                   "article": ({"id": article.id, "title": article.title, "url": article.url,
                                "outlet": article.original_outlet or article.outlet} if article else None)}
        text = f"{m.name}" + (f" from {org.name}" if org else "")
        body = f"New model: {text}."
        if article:
            body += f"\nFirst seen in {payload['article']['outlet'] or 'an article'}: {article.title or ''}" \
                    + (f" ({article.url})" if article.url else "")
        events.append(Event("new-model", key, f"New model: {text}", body, payload))
    return Found(events)
