"""The writer of extraction results: linked entities, score claims with their sources, stances, roles.

`store_extraction` runs inside the caller's transaction (the article's), so an article and what was
extracted from it are stored together or not at all. It replaces whatever an earlier run (any
extractor version) stored for that article, so re-running is always safe.

A claim is (model, benchmark, setting, value): one ScoreClaim however many articles report it, one
ClaimSource per article. Corroboration counts distinct ORIGINAL outlets, so a syndicated copy is not a
second confirmation; first_reported_at is the earliest publication time among the sources.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Optional

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kb.db import utcnow
from kb.linking import ensure_gazetteer, link, name_key, resolve
from kb.models import Article, ArticleEntity, ClaimSource, Entity, PersonRole, ScoreClaim, StanceEvent
from kb.nlp.records import Extraction
from kb.reference import ensure_reference

if TYPE_CHECKING:
    from ingest.publisher import Site

log = logging.getLogger(__name__)


@dataclass
class StoreResult:
    """What storing one article's extraction changed (alert evaluation reads this)."""

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
                     extractor_version: str, sites: Mapping[str, Site] | None = None) -> StoreResult:
    """Link and store one article's extraction, replacing earlier results for that article.

    Args:
        session: the caller's session; this flushes but never commits.
        article: a stored (flushed) Article row.
        extraction: the extractor's record for the article's text.
        extractor_version: written on every row, so re-extraction can find old output.
        sites: the known-sites table (the `sites_file` setting's; data/sites.toml when None): a lab's
            own site gives its models their organization.
    Returns:
        A StoreResult listing claims (new, all, removed), stance events and new entities.
    """
    if article.id is None:
        session.add(article)
        session.flush()
    ensure_gazetteer(session)  # known names and aliases first, so variants link to them
    ensure_reference(session)  # and the stance history before the news (both: one query once loaded)
    result = StoreResult(article_id=article.id, extractor_version=extractor_version)
    old_claims = clear_article(session, article.id)
    reported_at = article.published_at or article.fetched_at or utcnow()
    outlet = article.original_outlet or article.outlet
    mentions: dict[int, list] = {}  # entity id -> [role, count]

    linked_names: dict[tuple, Optional[Entity]] = {}

    def linked(kind, name, **kw) -> Optional[Entity]:
        # an article names the same model and benchmark in many claims: link each name once per article
        memo_key = (kind, name, tuple(sorted(kw.items())))
        if memo_key in linked_names:
            return linked_names[memo_key]
        entity, created = link(session, kind, name, **kw)
        if entity is not None and created:
            result.new_entity_ids.append(entity.id)
            if kind == "model":
                result.new_model_ids.append(entity.id)
        linked_names[memo_key] = entity
        return entity

    def mention(entity: Optional[Entity], count: int = 1, focal: bool = False) -> None:
        if entity is None:
            return
        slot = mentions.setdefault(entity.id, ["mentioned", 0])
        slot[1] += max(count, 1)
        if focal:
            slot[0] = "focal"

    # 1. entities the article names
    model_org = {name_key(m.name, "model"): m.org for m in extraction.models}
    lab_org = publisher_org(article.url, sites)
    model_entities = []
    for m in extraction.models:
        entity = linked("model", m.name, org=m.org, family=m.family)
        mention(entity, m.mentions, m.focal)
        model_entities.append((m, entity))
    for o in extraction.orgs:
        mention(linked("org", o.name), o.mentions)
    for m, entity in model_entities:
        if entity is not None and entity.org_id is None:
            # a model the gazetteer and the extractor leave without a maker: "X's model" / "model
            # from X" in the text, else the lab whose own site announces it (its focal or new model)
            org_name = org_in_text(session, f"{article.title or ''}\n{article.text or ''}", entity.name, m.name)
            origin = "news"
            if org_name is None and lab_org and (m.focal or entity.id in result.new_model_ids):
                org_name, origin = lab_org, "publisher"
            if org_name:
                set_model_org(session, entity, org_name, origin=origin)

    # 2. score claims: one ClaimSource per (claim, article)
    seen: set[int] = set()
    for s in extraction.scores:
        model = linked("model", s.model, org=model_org.get(name_key(s.model, "model")))
        bench = linked("benchmark", s.benchmark)
        if model is None or bench is None:
            continue
        mention(bench)
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
            published_at=reported_at, extractor_version=extractor_version))
    session.flush()
    result.claim_ids = sorted(seen)
    result.removed_claim_ids = refresh_claims(session, old_claims | seen)

    # 3. stances: the org, and the model when it is a known entity (a family need not be)
    for st in extraction.stances:
        model = resolve(session, "model", st.model) if st.model else None
        org = linked("org", st.org) if st.org else None
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
            occurred_at=article.published_at, extractor_version=extractor_version, created_at=utcnow())
        session.add(event)
        session.flush()
        result.stance_event_ids.append(event.id)

    # 4. people and their roles
    roles_seen: set[tuple] = set()
    for p in extraction.people:
        person = linked("person", p.name)
        if person is None:
            continue
        mention(person)
        org = linked("org", p.org) if p.org else None
        role = " ".join((p.role or "").split()) or None
        ident = (person.id, org.id if org else None, role)
        if ident in roles_seen:
            continue
        roles_seen.add(ident)
        session.add(PersonRole(person_id=person.id, org_id=ident[1], role=role, article_id=article.id,
                               evidence=p.evidence or None, seen_at=reported_at,
                               extractor_version=extractor_version))
        result.roles += 1

    # 5. which entities the article mentions, then mark the article as extracted
    for entity_id, (role, count) in mentions.items():
        session.add(ArticleEntity(article_id=article.id, entity_id=entity_id, role=role, mentions=count))
    article.extractor_version = extractor_version
    article.extracted_at = utcnow()
    session.add(article)
    session.flush()
    return result


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


def publisher_org(url: Optional[str], sites: Mapping[str, Site] | None = None) -> Optional[str]:
    """The organization of a lab's own site (SITES, else data/sites.toml), when URL is on one."""
    from ingest.publisher import known_site

    site = known_site(url, sites)
    return site.org if site is not None and site.kind == "lab" and site.org else None


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


@dataclass
class ReextractSummary:
    """What `aikb reextract` did."""

    extractor_version: str
    articles: int = 0
    skipped: int = 0  # already at the current version
    failed: int = 0
    claims_before: int = 0
    claims_after: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"re-extracted {self.articles} articles with extractor {self.extractor_version} "
                f"({self.skipped} already current, {self.failed} failed); "
                f"claims {self.claims_before} -> {self.claims_after}")


def _document(article: Article, sites: Mapping[str, Site] | None = None):
    """The CleanDocument to extract from: the stored raw payload cleaned again, else the stored text."""
    from ingest.clean import clean_html, clean_text
    from ingest.documents import clean_markdown, decode_bytes
    from ingest.records import CleanDocument
    from kb.articles import raw_payload

    doc = None
    payload = raw_payload(article)
    if payload:
        raw = decode_bytes(payload)
        kind = (article.raw_kind or "").lower()
        doc = (clean_html(raw, article.url, sites=sites) if kind == "html" else
               clean_markdown(raw, sites=sites) if kind in ("md", "markdown") else clean_text(raw, sites=sites))
    if doc is None or not doc.text.strip():
        doc = CleanDocument(title=article.title or "", text=article.text or "")
    # what ingest knew from the feed (outlet, date) is kept when the payload alone does not say it
    return dataclasses.replace(doc, title=doc.title or article.title or "",
                               outlet=doc.outlet or article.outlet,
                               original_outlet=doc.original_outlet or article.original_outlet,
                               published=doc.published or article.published_at)


def reextract(engine, nlp, *, all: bool = False, batch_size: int = 32,  # noqa: A002 - mirrors the --all flag
              progress=None, wait: float = 0.0, on_wait=None,
              sites: Mapping[str, Site] | None = None) -> ReextractSummary:
    """Re-run the current extractor over stored articles, from their raw payload, without fetching.

    On SQLite it holds the ingest lock (kb.ingest_lock), so it never writes the file while `aikb
    ingest` does: it waits up to WAIT seconds for a running ingest (ON_WAIT is told once), else
    raises StoreError at once. On PostgreSQL each batch locks its article rows (FOR UPDATE), so an
    article is never re-extracted by two processes at once (ingest's repair step included).

    Args:
        engine: the store's engine (or a callable returning a new Session: no lock is taken then).
        nlp: the spaCy pipeline (kb.nlp.pipeline.load_nlp()).
        all: also articles already extracted by the current version (default: only older/none).
        progress: called with (done, total) after each batch.
        sites: the known-sites table (see store_extraction).
    Returns:
        A ReextractSummary. Each batch is one transaction; a failing article is retried in a second
        pass, then counted, not fatal.
    """
    from contextlib import nullcontext

    from kb.ingest_lock import ingest_lock

    is_engine = hasattr(engine, "dialect")
    session_factory = (lambda: Session(engine)) if is_engine else engine
    lock = ingest_lock(engine, wait=wait, holder="reextract", on_wait=on_wait) if is_engine else nullcontext()
    with lock:
        return reextract_articles(session_factory, nlp, all=all, batch_size=batch_size, progress=progress,
                                  sites=sites)


def reextract_articles(session_factory, nlp, *, all: bool = False, batch_size: int = 32,  # noqa: A002
                       progress=None, only_missing: bool = False, limit: int | None = None,
                       passes: int = 2, sites: Mapping[str, Site] | None = None) -> ReextractSummary:
    """reextract's work, for a caller that already holds the ingest lock (ingest's repair step).

    Args:
        only_missing: only articles never extracted (extractor_version NULL): stored without claims.
        limit: at most this many articles (oldest first).
        passes: articles that failed (a deadlock with a concurrent writer, a dropped connection) are
            tried again, up to this many passes in all.
    """
    from sqlalchemy import func, or_

    from kb.nlp.extract import EXTRACTOR_VERSION

    summary = ReextractSummary(extractor_version=EXTRACTOR_VERSION)
    with session_factory() as session:
        summary.claims_before = session.exec(select(func.count()).select_from(ScoreClaim)).one()
        stmt = select(Article.id).order_by(Article.id)
        if only_missing:
            stmt = stmt.where(Article.extractor_version.is_(None))
        elif not all:
            stmt = stmt.where(or_(Article.extractor_version.is_(None),
                                  Article.extractor_version != EXTRACTOR_VERSION))
        if limit is not None:
            stmt = stmt.limit(limit)
        ids = list(session.exec(stmt).all())
        total = session.exec(select(func.count()).select_from(Article)).one()
    summary.skipped = total - len(ids)
    todo = ids
    for number in range(1, max(passes, 1) + 1):
        last = number == max(passes, 1)
        failed: list[int] = []
        for start in range(0, len(todo), batch_size):
            chunk = todo[start:start + batch_size]
            try:
                failed += _reextract_batch(session_factory, nlp, chunk, summary, all=all, batch_size=batch_size,
                                           record=last, sites=sites)
            except Exception as exc:  # noqa: BLE001 - the batch's transaction failed (connection, deadlock)
                log.warning("re-extraction batch failed: %s", exc)
                failed += chunk
                if last:
                    summary.failed += len(chunk)
                    summary.errors.append(f"articles {chunk[0]}..{chunk[-1]}: {str(exc).splitlines()[0][:200]}")
            if progress and number == 1:
                progress(min(start + batch_size, len(todo)), len(todo))
        if not failed:
            break
        todo = failed
    with session_factory() as session:
        summary.claims_after = session.exec(select(func.count()).select_from(ScoreClaim)).one()
    return summary


def _reextract_batch(session_factory, nlp, chunk: list[int], summary: ReextractSummary, *, all: bool,
                     batch_size: int, record: bool, sites: Mapping[str, Site] | None = None) -> list[int]:
    """Re-extract the articles CHUNK in one transaction; returns the ids that failed."""
    from kb.nlp.extract import EXTRACTOR_VERSION, extract_many

    failed: list[int] = []
    done = 0
    with session_factory() as session:
        stmt = select(Article).where(Article.id.in_(chunk)).order_by(Article.id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()  # in id order: two re-extractors never deadlock on each other
        rows = []
        for article in session.exec(stmt).all():
            if not all and article.extractor_version == EXTRACTOR_VERSION:
                summary.skipped += 1  # done by another process while this one waited for the lock
                continue
            rows.append(article)
        docs = []
        for article in rows:
            try:
                docs.append(_document(article, sites))
            except Exception as exc:  # noqa: BLE001 - one bad payload must not stop the run
                summary.failed += 1
                summary.errors.append(f"article {article.id}: {exc}")
                docs.append(None)
        pairs = [(a, d) for a, d in zip(rows, docs) if d is not None]
        for (article, doc), extraction in zip(pairs, extract_many(nlp, [d for _, d in pairs], batch_size)):
            try:
                with session.begin_nested():
                    if doc.text != article.text:
                        article.text = doc.text  # offsets point into the text handed to the extractor
                    store_extraction(session, article, extraction, extractor_version=EXTRACTOR_VERSION, sites=sites)
                done += 1
            except Exception as exc:  # noqa: BLE001
                failed.append(article.id)
                if record:
                    summary.failed += 1
                    summary.errors.append(f"article {article.id}: {exc}")
        session.commit()
    summary.articles += done  # counted once committed: a batch that fails at commit is tried again
    return failed
