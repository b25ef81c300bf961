"""Finding the events a rule has not alerted on yet: new scores, records, stances, models, matches.

Each finder returns Event records (no writes). "New" means the event ARRIVED after the rule was
created: a claim whose row was created after the rule and none of whose reporting articles was
fetched before it; a stance event likewise; a model first mentioned by an article fetched after the
rule (or, with no mentions, created from the news after it). So a new rule is never flooded with
history, and re-extracting old articles (which re-creates their rows) does not resurface them.

Claim finders read in pages of PAGE, ordered by (created_at, id), starting after the rule's scan
cursor (AlertRule.scan_after/_id, kept by kb.alerts.evaluation); a full page returns where it
stopped (`Found.more`) so the caller asks for the next one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, select

from kb.read.lookup import resolve
from kb.models import Alert, AlertRule, Article, ClaimSource, Entity, ScoreClaim

PAGE = 1000  # claims examined per query


@dataclass(frozen=True)
class Found:
    """A finder's answer: events, and the (created_at, id) it stopped at when more may follow."""

    events: list
    more: Optional[tuple[datetime, int]] = None


@dataclass(frozen=True)
class Event:
    """One thing worth telling: becomes one Alert row of a rule."""

    kind: str
    dedupe_key: str
    title: str
    body: str
    payload: dict = field(default_factory=dict)


def _key(*parts) -> str:
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value else None


def entity_ids(session: Session, kind: str, name: Optional[str]) -> Optional[set[int]]:
    """Ids of the entity NAME denotes and of those merged into it; None when NAME is empty."""
    if not name:
        return None
    entity = resolve(session, kind, name)
    if entity is None:
        return set()  # a filter naming nothing yet matches nothing (until the news names it)
    ids = {entity.id}
    ids.update(session.exec(select(Entity.id).where(Entity.merged_into_id == entity.id)).all())
    return ids


def _not_alerted(rule: AlertRule, key_column):
    return ~exists().where(col(Alert.rule_id) == rule.id, col(Alert.dedupe_key) == key_column)


def window(rule: AlertRule, at_column, id_column):
    """Rows created after the rule and after its scan cursor (created_at, id)."""
    cond = at_column > rule.created_at
    if rule.scan_after is not None:
        cond = and_(cond, or_(at_column > rule.scan_after,
                              and_(at_column == rule.scan_after, id_column > (rule.scan_after_id or 0))))
    return cond


def _page_end(rows: list[ScoreClaim]) -> Optional[tuple[datetime, int]]:
    return (rows[-1].created_at, rows[-1].id) if len(rows) >= PAGE else None


# ---------------------------------------------------------------------------------------------
# Score claims: new-score, new-record, search
# ---------------------------------------------------------------------------------------------


def _new_claims(session: Session, rule: AlertRule, filters: dict) -> list[ScoreClaim]:
    """Claims that arrived after the rule, match its facets and have not alerted it."""
    fetched_before = (
        select(col(ClaimSource.id)).join(Article, col(Article.id) == col(ClaimSource.article_id))
        .where(col(ClaimSource.claim_id) == col(ScoreClaim.id), col(Article.fetched_at) <= rule.created_at)
        .exists()
    )
    stmt = select(ScoreClaim).where(window(rule, ScoreClaim.created_at, ScoreClaim.id), ~fetched_before,
                                    _not_alerted(rule, ScoreClaim.claim_key))
    for kind, column in (("benchmark", col(ScoreClaim.benchmark_id)), ("model", col(ScoreClaim.model_id))):
        ids = entity_ids(session, kind, filters.get(kind))
        if ids is not None:
            stmt = stmt.where(column.in_(ids or {-1}))
    org_ids = entity_ids(session, "org", filters.get("org"))
    if org_ids is not None:
        makers = select(col(Entity.id)).where(col(Entity.kind) == "model", col(Entity.org_id).in_(org_ids or {-1}))
        stmt = stmt.where(col(ScoreClaim.model_id).in_(makers))
    if filters.get("min_value") is not None:
        stmt = stmt.where(ScoreClaim.value >= float(filters["min_value"]))
    stmt = stmt.order_by(col(ScoreClaim.created_at), col(ScoreClaim.id)).limit(PAGE)
    return list(session.exec(stmt).all())


@dataclass(frozen=True)
class ClaimFacts:
    """A claim with the names and sources an alert shows."""

    claim: ScoreClaim
    model: str
    org: Optional[str]
    benchmark: str
    sources: tuple[dict, ...]

    @property
    def value_text(self) -> str:
        unit = self.claim.unit or ""
        return f"{self.claim.value:g}{'%' if unit == '%' else ''}"

    def describe(self) -> str:
        setting = f" ({self.claim.qualifier})" if self.claim.qualifier else ""
        return f"{self.model} {self.value_text} on {self.benchmark}{setting}"

    def payload(self) -> dict:
        c = self.claim
        return {"claim_key": c.claim_key, "claim_id": c.id, "model": self.model, "org": self.org,
                "benchmark": self.benchmark, "value": c.value, "unit": c.unit, "qualifier": c.qualifier,
                "first_reported_at": _iso(c.first_reported_at), "corroboration": c.corroboration,
                "sources": list(self.sources)}

    def body(self) -> str:
        lines = [self.describe() + "."]
        for s in self.sources[:3]:
            who = s.get("original_outlet") or s.get("outlet") or "an article"
            lines.append(f"Reported by {who}" + (f" ({s['url']})" if s.get("url") else "") + ":")
            if s.get("evidence"):
                lines.append(f"  \u201c{s['evidence']}\u201d")
        return "\n".join(lines)


def claim_facts(session: Session, claims: Iterable[ScoreClaim]) -> list[ClaimFacts]:
    """Names and sources (oldest first) of each claim."""
    claims = list(claims)
    if not claims:
        return []
    ids = {c.model_id for c in claims} | {c.benchmark_id for c in claims}
    names = {e.id: e for e in session.exec(select(Entity).where(col(Entity.id).in_(ids))).all()}
    org_ids = {e.org_id for e in names.values() if e.org_id}
    orgs = {e.id: e.name for e in session.exec(select(Entity).where(col(Entity.id).in_(org_ids or {-1}))).all()}
    rows = session.exec(
        select(ClaimSource, Article).join(Article, col(Article.id) == col(ClaimSource.article_id))
        .where(col(ClaimSource.claim_id).in_([c.id for c in claims]))
        .order_by(col(ClaimSource.published_at), col(ClaimSource.id))
    ).all()
    sources: dict[int, list[dict]] = {}
    for src, art in rows:
        sources.setdefault(src.claim_id, []).append({
            "article_id": art.id, "title": art.title, "url": art.url, "outlet": art.outlet,
            "original_outlet": art.original_outlet, "published_at": _iso(src.published_at),
            "reported_by": src.reported_by, "hedged": src.hedged, "evidence": src.evidence})
    out = []
    for c in claims:
        model = names.get(c.model_id)
        bench = names.get(c.benchmark_id)
        out.append(ClaimFacts(claim=c, model=model.name if model else f"model #{c.model_id}",
                              org=orgs.get(model.org_id) if model and model.org_id else None,
                              benchmark=bench.name if bench else f"benchmark #{c.benchmark_id}",
                              sources=tuple(sources.get(c.id, ()))))
    return out


def score_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """new-score: every new matching claim."""
    claims = _new_claims(session, rule, filters)
    return Found([Event("new-score", f.claim.claim_key, f"New score: {f.describe()}", f.body(), f.payload())
                  for f in claim_facts(session, claims)], _page_end(claims))


def record_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """new-record: a new claim beating every value on its benchmark known when it arrived.

    "Known when it arrived" is every other claim created no later than it (a claim reported in the
    same batch counts as known, so of two new values only the higher can be a record). A benchmark's
    first value is not a record: there is nothing to beat. Higher is better.
    """
    claims = _new_claims(session, rule, filters)
    by_bench: dict[int, list[ScoreClaim]] = {}
    for c in claims:
        by_bench.setdefault(c.benchmark_id, []).append(c)
    records: list[tuple[ScoreClaim, int]] = []  # (record, the claim it beat)
    for bench_id, new in by_bench.items():
        known = session.exec(select(ScoreClaim.id, ScoreClaim.value, ScoreClaim.created_at)
                             .where(ScoreClaim.benchmark_id == bench_id)).all()
        for c in new:
            before = [(v, -i) for i, v, at in known if i != c.id and at <= c.created_at]
            if before and c.value > max(before)[0]:
                records.append((c, -max(before)[1]))
    prev_ids = {p for _, p in records}
    prev = {f.claim.id: f for f in claim_facts(
        session, session.exec(select(ScoreClaim).where(col(ScoreClaim.id).in_(prev_ids or {-1}))).all())}
    events = []
    for f, (c, p) in zip(claim_facts(session, [c for c, _ in records]), records):
        beaten = prev[p]
        payload = f.payload() | {"previous_best": {"model": beaten.model, "value": beaten.claim.value,
                                                   "unit": beaten.claim.unit,
                                                   "qualifier": beaten.claim.qualifier,
                                                   "claim_key": beaten.claim.claim_key}}
        body = f.body() + f"\nPrevious best: {beaten.describe()}."
        events.append(Event("new-record", c.claim_key, f"New record on {f.benchmark}: {f.describe()}",
                            body, payload))
    return Found(events, _page_end(claims))


def dispute_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """dispute: a new claim giving another value than an independent reporter for the same model,
    benchmark and setting (kb.store.claims.refresh_claims marks both sides disputed)."""
    claims = _new_claims(session, rule, filters)
    disputed = [c for c in claims if c.disputed]
    events = []
    for f in claim_facts(session, disputed):
        c = f.claim
        cond = col(ScoreClaim.qualifier).is_(None) if c.qualifier is None else col(ScoreClaim.qualifier) == c.qualifier
        others = session.exec(select(ScoreClaim).where(col(ScoreClaim.model_id) == c.model_id,
                                                       col(ScoreClaim.benchmark_id) == c.benchmark_id, cond,
                                                       col(ScoreClaim.id) != c.id)
                              .order_by(col(ScoreClaim.value).desc()).limit(10)).all()
        other_facts = claim_facts(session, others)
        against = [o for o in other_facts if o.claim.disputed]
        payload = f.payload() | {"disputes": [o.payload() for o in against]}
        lines = [f.body()] + [f"Against: {o.describe()}" + (
            f", reported by {o.sources[0].get('reported_by') or o.sources[0].get('original_outlet') or o.sources[0].get('outlet')}"
            if o.sources else "") + "." for o in against]
        events.append(Event("dispute", c.claim_key, f"Disputed: {f.describe()}", "\n".join(lines), payload))
    return Found(events, _page_end(claims))


SEARCH_PAGE = 1000
SEARCH_MAX_PAGES = 10


def _searched(session: Session, candidates: list[ScoreClaim], filters: dict) -> set[int]:
    """Ids among CANDIDATES that the analysts' search (kb.read.search.search_claims) returns for the rule.

    Results come newest first, so new claims are on the first pages; paging stops once every
    candidate is found or after SEARCH_MAX_PAGES. A candidate not found stays un-alerted and is
    looked at again next run (never alerted wrongly, at worst late for a very broad query).
    """
    from kb.read.search import search_claims

    wanted = {c.id for c in candidates}
    found: set[int] = set()
    for page in range(SEARCH_MAX_PAGES):
        hits = search_claims(session, filters.get("query") or "", model=filters.get("model"),
                             org=filters.get("org"), benchmark=filters.get("benchmark"),
                             limit=SEARCH_PAGE, offset=page * SEARCH_PAGE)
        found |= {h.claim_id for h in hits} & wanted
        if len(hits) < SEARCH_PAGE or found == wanted:
            break
    return found


def search_events(session: Session, rule: AlertRule, filters: dict) -> Found:
    """search: new claims the saved search (query plus facets) now returns.

    The query is run by kb.read.search (full-text over the evidence, as the UI's search), so a rule
    matches exactly what the same search shows.
    """
    candidates = _new_claims(session, rule, filters)
    if not candidates:
        return Found([])
    facts = claim_facts(session, candidates)
    if filters.get("query"):
        keep = _searched(session, candidates, filters)
        facts = [f for f in facts if f.claim.id in keep]
    label = filters.get("query") or "saved search"
    return Found([Event("search", f.claim.claim_key, f"New match for {label}: {f.describe()}", f.body(),
                        f.payload()) for f in facts], _page_end(candidates))


