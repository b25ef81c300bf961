"""The writer of extraction results: linked entities, score claims with their sources, stances, roles.

`store_extraction` runs inside the caller's transaction (the article's), so an article and what was
extracted from it are stored together or not at all. It replaces whatever an earlier run (any
extractor version) stored for that article, so re-running is always safe.

A claim is (model, benchmark, setting, value): one ScoreClaim however many articles report it, one
ClaimSource per article. Corroboration counts distinct ORIGINAL outlets, so a syndicated copy is not a
second confirmation; first_reported_at is the earliest publication time among the sources.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kb.db import utcnow
from kb.models import (
    Article,
    ArticleEntity,
    ClaimSource,
    Entity,
    PersonRole,
    ScoreClaim,
    StanceEvent,
)
from kb.nlp.records import Extraction
from kb.read.lookup import resolve
from kb.store.linking import ensure_gazetteer, link
from kb.store.reference import ensure_reference
from kb.text.keys import name_key

log = logging.getLogger(__name__)


@dataclass
class StoreResult:
    """What storing one article's extraction changed (the alerts stream reads this)."""

    article_id: int
    extractor_version: str
    claim_ids: list[int] = field(default_factory=list)  # every claim the article now reports
    new_claim_ids: list[int] = field(default_factory=list)  # claims no article reported before
    removed_claim_ids: list[int] = field(default_factory=list)  # claims left without any source
    stance_event_ids: list[int] = field(default_factory=list)
    new_entity_ids: list[int] = field(default_factory=list)
    new_model_ids: list[int] = field(default_factory=list)
    roles: int = 0


def claim_key(model_id: int, benchmark_id: int, qualifier: Optional[str], value: float) -> str:
    """The stable identity of a claim: same model, benchmark, setting and value = same claim."""
    raw = f"{model_id}|{benchmark_id}|{name_key(qualifier or '')}|{round(float(value), 4)!r}"
    return hashlib.sha1(raw.encode()).hexdigest()


def _event_key(*parts) -> str:
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def clear_article(session: Session, article_id: int) -> set[int]:
    """Delete everything extracted from one article; returns the claim ids it used to report."""
    old = set(session.exec(select(ClaimSource.claim_id).where(ClaimSource.article_id == article_id)).all())
    for table in (ClaimSource, StanceEvent, PersonRole, ArticleEntity):
        session.exec(delete(table).where(table.article_id == article_id))
    return old


def store_extraction(session: Session, article: Article, extraction: Extraction, *,
                     extractor_version: str, lab_org: Optional[str] = None) -> StoreResult:
    """Link and store one article's extraction, replacing earlier results for that article.

    Args:
        session: the caller's session; this flushes but never commits.
        article: a stored (flushed) Article row.
        extraction: the extractor's record for the article's text.
        extractor_version: written on every row and on the article (here only), so re-extraction
            can find old output.
        lab_org: the organization whose own site published the article (kb.pipeline knows the
            sites), given to a new or focal model the text leaves without a maker.
    Returns:
        A StoreResult listing claims (new, all, removed), stance events and new entities.
    """
    if article.id is None:
        session.add(article)
        session.flush()
    ensure_gazetteer(session)  # known names and aliases first, so variants link to them
    ensure_reference(session)  # and the stance history before the news (both: one query once loaded)
    linker = _Linker(session, StoreResult(article_id=article.id, extractor_version=extractor_version))
    old_claims = clear_article(session, article.id)
    model_org = _link_named(linker, article, extraction, lab_org)  # 1. the entities the article names
    seen = _store_scores(linker, article, extraction, model_org)  # 2. score claims
    linker.result.claim_ids = sorted(seen)
    linker.result.removed_claim_ids = refresh_claims(session, old_claims | seen)
    _store_stances(linker, article, extraction)  # 3. stances
    _store_roles(linker, article, extraction)  # 4. people and their roles
    # 5. which entities the article mentions, then mark the article as extracted (only here)
    for entity_id, (role, count) in linker.mentions.items():
        session.add(ArticleEntity(article_id=article.id, entity_id=entity_id, role=role, mentions=count))
    article.extractor_version = extractor_version
    article.extracted_at = utcnow()
    session.add(article)
    session.flush()
    return linker.result


class _Linker:
    """One article's linking: each name linked once, new entities noted, mentions counted."""

    def __init__(self, session: Session, result: StoreResult) -> None:
        self.session, self.result = session, result
        self.mentions: dict[int, list] = {}  # entity id -> [role, count]
        self._linked: dict[tuple, Optional[Entity]] = {}

    def link(self, kind: str, name: str, **kw) -> Optional[Entity]:
        # an article names the same model and benchmark in many claims: link each name once per article
        memo_key = (kind, name, tuple(sorted(kw.items())))
        if memo_key not in self._linked:
            entity, created = link(self.session, kind, name, **kw)
            if entity is not None and created:
                self.result.new_entity_ids.append(entity.id)
                if kind == "model":
                    self.result.new_model_ids.append(entity.id)
            self._linked[memo_key] = entity
        return self._linked[memo_key]

    def mention(self, entity: Optional[Entity], count: int = 1, focal: bool = False) -> None:
        if entity is None:
            return
        slot = self.mentions.setdefault(entity.id, ["mentioned", 0])
        slot[1] += max(count, 1)
        if focal:
            slot[0] = "focal"


def _reported_at(article: Article):
    return article.published_at or article.fetched_at or utcnow()


def _link_named(linker: _Linker, article: Article, extraction: Extraction, lab_org: Optional[str]) -> dict:
    """Link the models and organizations the article names; returns model key -> the extractor's org."""
    model_entities = []
    for m in extraction.models:
        entity = linker.link("model", m.name, org=m.org, family=m.family)
        linker.mention(entity, m.mentions, m.focal)
        model_entities.append((m, entity))
    for o in extraction.orgs:
        linker.mention(linker.link("org", o.name), o.mentions)
    for m, entity in model_entities:
        if entity is not None and entity.org_id is None:
            # a model the gazetteer and the extractor leave without a maker: "X's model" / "model
            # from X" in the text, else the lab whose own site announces it (its focal or new model)
            org_name = org_in_text(linker.session, f"{article.title or ''}\n{article.text or ''}", entity.name, m.name)
            origin = "news"
            if org_name is None and lab_org and (m.focal or entity.id in linker.result.new_model_ids):
                org_name, origin = lab_org, "publisher"
            if org_name:
                set_model_org(linker.session, entity, org_name, origin=origin)
    return {name_key(m.name, "model"): m.org for m in extraction.models}


def _store_scores(linker: _Linker, article: Article, extraction: Extraction, model_org: dict) -> set[int]:
    """The score claims, one ClaimSource per (claim, article); returns the claim ids the article reports."""
    session, result = linker.session, linker.result
    reported_at, outlet = _reported_at(article), article.original_outlet or article.outlet
    seen: set[int] = set()
    for s in extraction.scores:
        model = linker.link("model", s.model, org=model_org.get(name_key(s.model, "model")))
        bench = linker.link("benchmark", s.benchmark)
        if model is None or bench is None:
            continue
        linker.mention(bench)
        qualifier = " ".join((s.qualifier or "").split()) or None
        claim, created = _claim(session, model, bench, qualifier, s.value, s.unit, reported_at, article.id)
        if created:
            result.new_claim_ids.append(claim.id)
        if claim.id in seen:
            continue
        seen.add(claim.id)
        session.add(ClaimSource(
            claim_id=claim.id, article_id=article.id, story_id=article.story_id,
            reported_by=s.reported_by, reporter_kind=s.reporter_kind, hedged=bool(s.hedged),
            evidence=s.evidence or "", start=s.start, end=s.end, outlet=outlet,
            published_at=reported_at, extractor_version=result.extractor_version))
    session.flush()
    return seen


def _store_stances(linker: _Linker, article: Article, extraction: Extraction) -> None:
    """Stance events: the org, and the model when it is a known entity (a family need not be)."""
    session = linker.session
    for st in extraction.stances:
        model = resolve(session, "model", st.model) if st.model else None
        org = linker.link("org", st.org) if st.org else None
        if org is None and model is not None and model.org_id:
            org = session.get(Entity, model.org_id)
        if org is None and model is None:
            continue
        key = _event_key("news", article.id, org.id if org else None, name_key(st.model or ""),
                         st.stance, st.planned, name_key(st.license or ""))
        if session.exec(select(StanceEvent.id).where(StanceEvent.event_key == key)).first():
            continue
        event = StanceEvent(
            event_key=key, org_id=org.id if org else None, model_id=model.id if model else None,
            model_name=st.model, stance=st.stance, license=st.license, planned=bool(st.planned),
            origin="news", article_id=article.id, evidence=st.evidence, start=st.start, end=st.end,
            # the article's publication date, or none: an ingest time is never a stance's date
            occurred_at=article.published_at, extractor_version=linker.result.extractor_version,
            created_at=utcnow())
        session.add(event)
        session.flush()
        linker.result.stance_event_ids.append(event.id)


def _store_roles(linker: _Linker, article: Article, extraction: Extraction) -> None:
    """People the article names, with their organization and role."""
    roles_seen: set[tuple] = set()
    for p in extraction.people:
        person = linker.link("person", p.name)
        if person is None:
            continue
        linker.mention(person)
        org = linker.link("org", p.org) if p.org else None
        role = " ".join((p.role or "").split()) or None
        ident = (person.id, org.id if org else None, role)
        if ident in roles_seen:
            continue
        roles_seen.add(ident)
        linker.session.add(PersonRole(person_id=person.id, org_id=ident[1], role=role, article_id=article.id,
                                      evidence=p.evidence or None, seen_at=_reported_at(article),
                                      extractor_version=linker.result.extractor_version))
        linker.result.roles += 1


def _claim(session: Session, model: Entity, bench: Entity, qualifier: Optional[str], value: float,
           unit: Optional[str], reported_at, article_id: int) -> tuple[ScoreClaim, bool]:
    """The claim with this identity, created when missing (safe against a concurrent writer)."""
    key = claim_key(model.id, bench.id, qualifier, value)
    claim = session.exec(select(ScoreClaim).where(ScoreClaim.claim_key == key)).first()
    if claim is not None:
        return claim, False
    try:
        with session.begin_nested():
            claim = ScoreClaim(claim_key=key, model_id=model.id, benchmark_id=bench.id, value=float(value),
                               unit=unit, qualifier=qualifier, first_reported_at=reported_at,
                               first_article_id=article_id, corroboration=1, created_at=utcnow())
            session.add(claim)
            session.flush()
        return claim, True
    except IntegrityError:
        return session.exec(select(ScoreClaim).where(ScoreClaim.claim_key == key)).one(), False


def same_value(a: float, b: float) -> bool:
    """Two reported values that are the same within rounding (88.4 and 88.43; 1350 and 1350.4 Elo)."""
    return abs(a - b) <= max(0.05, 0.0005 * max(abs(a), abs(b))) + 1e-9


def refresh_claims(session: Session, claim_ids: Iterable[int]) -> list[int]:
    """Recompute corroboration, disputes and first report of CLAIM_IDS and of the other values reported
    for the same model, benchmark and setting; delete claims left without sources.

    - corroboration: distinct original outlets reporting the same value (within rounding) under the
      same setting; an article that also gives another value for it (an evaluator's re-run next to
      the vendor's number) does not corroborate: it disputes.
    - disputed: another value for the same model, benchmark and setting, where the two values do not
      come from one and the same reporter (the named reporter, else the outlet).
    - first_reported_at: the earliest publication date of any source; `undated` when no source has
      one (then it is when aikb first saw it, never shown as a publication date).
    Returns the ids of the deleted claims.
    """
    ids = sorted(set(claim_ids))
    removed: list[int] = []
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        claims = {c.id: c for c in session.exec(select(ScoreClaim).where(ScoreClaim.id.in_(chunk))).all()}
        groups = {(c.model_id, c.benchmark_id, c.qualifier) for c in claims.values()}
        # the other values of the same groups: a new value can dispute (or corroborate) old ones
        pairs = {(m, b) for m, b, _ in groups}
        for model_id, bench_id in pairs:
            for sibling in session.exec(select(ScoreClaim).where(ScoreClaim.model_id == model_id,
                                                                  ScoreClaim.benchmark_id == bench_id)).all():
                if (sibling.model_id, sibling.benchmark_id, sibling.qualifier) in groups:
                    claims.setdefault(sibling.id, sibling)
        rows = session.exec(select(ClaimSource.claim_id, ClaimSource.article_id, ClaimSource.outlet,
                                   ClaimSource.published_at, ClaimSource.reported_by, Article.published_at)
                            .join(Article, Article.id == ClaimSource.article_id)
                            .where(ClaimSource.claim_id.in_(list(claims)))).all()
        by_claim: dict[int, list] = {}
        for claim_id, article_id, outlet, seen, reported_by, published in rows:
            by_claim.setdefault(claim_id, []).append((article_id, outlet, seen, reported_by, published))
        by_group: dict[tuple, list[ScoreClaim]] = {}
        for claim in claims.values():
            if by_claim.get(claim.id):
                by_group.setdefault((claim.model_id, claim.benchmark_id, claim.qualifier), []).append(claim)
        for claim_id in chunk:
            claim = claims.get(claim_id)
            if claim is not None and not by_claim.get(claim_id):
                session.delete(claim)
                removed.append(claim_id)
        session.flush()
        for group in by_group.values():
            for claim in group:
                _refresh_one(session, claim, group, by_claim)
    session.flush()
    return removed


def _refresh_one(session: Session, claim: ScoreClaim, group: list[ScoreClaim], by_claim: dict) -> None:
    sources = by_claim[claim.id]
    same = [c for c in group if same_value(c.value, claim.value)]
    others = [c for c in group if not same_value(c.value, claim.value)]
    other_articles = {s[0] for c in others for s in by_claim[c.id]}
    # an unknown outlet counts as its own confirmation (we cannot tell it is a copy)
    backing = [s for c in same for s in by_claim[c.id] if s[0] not in other_articles]
    claim.corroboration = max(1, len({o.casefold() if o else f"#{a}" for a, o, *_ in backing}))

    def reporter(src) -> str:
        article_id, outlet, _seen, reported_by, _published = src
        return (reported_by or outlet or f"#{article_id}").casefold()

    # disputed: some source of another value and some source of this one are different reporters
    # (one article's table of two values, from one reporter, is not a dispute)
    mine = {reporter(s) for c in same for s in by_claim[c.id]}
    theirs = {reporter(s) for c in others for s in by_claim[c.id]}
    claim.disputed = bool(theirs) and not (len(mine) == 1 and mine == theirs)
    dated = [(p, a) for a, _, _, _, p in sources if p is not None]
    claim.undated = not dated
    if dated:
        claim.first_reported_at, claim.first_article_id = min(dated)
    else:
        claim.first_reported_at, claim.first_article_id = min((s, a) for a, _, s, _, _ in sources)
    session.add(claim)


_ORG_NAME = r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})"


def org_in_text(session: Session, text: str, *names: str) -> Optional[str]:
    """The organization the text names as a model's maker ("Acme's new model Foo-2", "Foo-2, a model
    from Acme"), when that name is a known organization; else None."""
    import re

    for name in dict.fromkeys(n for n in names if n):
        quoted = re.escape(name)
        patterns = (
            _ORG_NAME + r"['\u2019]s (?:[\w-]+ ){0,3}(?:model|LLM|system)s?,? (?:called |named )?" + quoted + r"\b",
            quoted + r",? (?:is |was )?(?:an? |the )?(?:[\w-]+ ){0,3}(?:model|LLM|system) (?:from|by|made by|built by|developed by) " + _ORG_NAME,
            quoted + r" (?:from|by) " + _ORG_NAME,
            # "Cedar Systems previews Cedar Forge 2", "Acme released its new model Foo-2 on Monday"
            _ORG_NAME + r" (?:\w+ly )?(?:launch|release|preview|unveil|introduce|announce|ship|debut|open-source"
            r"|open-sourced|publish)(?:e?s|e?d)? (?:(?:its|a|an|the|new|next|latest|first|own|model|models|"
            r"early access to|access to),? ){0,4}" + quoted + r"\b",
        )
        for pattern in patterns:
            for match in re.finditer(pattern, text[:200_000]):
                candidate = match.group(1).strip(".,;: ")
                for cut in range(len(candidate.split()), 0, -1):  # "Acme Labs said" -> "Acme Labs"
                    guess = " ".join(candidate.split()[:cut])
                    org = resolve(session, "org", guess)
                    if org is not None:
                        return org.name
    return None


def set_model_org(session: Session, model: Entity, org_name: str, *, origin: str = "manual") -> Entity:
    """Give MODEL the organization ORG_NAME (linked or created); its stance events without an org get it too.

    A manual choice (`aikb entities set-org`) is never replaced by extraction or by the gazetteer.
    """
    org, _ = link(session, "org", org_name, origin="manual" if origin == "manual" else "news")
    if org is None:
        raise ValueError(f"not an organization name: {org_name!r}")
    model.org_id = org.id
    model.org_origin = origin
    session.add(model)
    session.flush()
    for event in session.exec(select(StanceEvent).where(StanceEvent.model_id == model.id,
                                                        StanceEvent.org_id.is_(None))).all():
        event.org_id = org.id
        session.add(event)
    session.flush()
    return org
