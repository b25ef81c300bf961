"""Entity pages and the openness timeline (read-only; re-exported by kb.read.queries)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import ColumnElement, func, union
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from kb.errors import NotFound
from kb.models import (
    Alias,
    Article,
    ArticleEntity,
    Entity,
    PersonRole,
    ScoreClaim,
    StanceEvent,
)
from kb.read.lookup import resolve
from kb.read.query_records import (
    EntityRow,
    ModelPage,
    OrgPage,
    PersonPage,
    RoleRow,
    TimelineEvent,
)
from kb.read.search import claim_hits, core_rows
from kb.read.shifts import StanceStep, family_key, shift_flags
from kb.text.keys import name_key

_ORG, _MODEL, _PERSON = aliased(Entity), aliased(Entity), aliased(Entity)

_NEVER = datetime.max.replace(tzinfo=timezone.utc)
def _with_merged(session: Session, entity: Entity) -> list[int]:
    return [entity.id, *session.exec(select(Entity.id).where(Entity.merged_into_id == entity.id)).all()]


def timeline(session: Session, org: Optional[str] = None, *, model_ids: Optional[list[int]] = None,
             limit: int = 5000) -> list[TimelineEvent]:
    """Stance events in time order (one org, or all), each marked when it shifts the org's stance.

    What counts as a shift is kb.read.shifts' rule: the org's stance for the same model family changes, or
    its latest news stance breaks with the stance it mostly took before; planned events never count.
    Events of one org at the same instant (one article) are ordered so that restated history comes
    before the change: "Llama stays open, Muse Spark is closed" reads as one shift, not two.
    MODEL_IDS keeps the events of those model entities only (a model of no known org has no org timeline).
    Raises NotFound for an unknown org.
    """
    stmt = (select(col(StanceEvent.id), _ORG.name, func.coalesce(_MODEL.name, col(StanceEvent.model_name)),
                   col(StanceEvent.stance), col(StanceEvent.license), col(StanceEvent.planned), col(StanceEvent.origin),
                   col(StanceEvent.reference_source), col(StanceEvent.occurred_at), col(StanceEvent.evidence),
                   col(StanceEvent.article_id), col(Article.title), col(Article.url), _MODEL.family)
            .join(_ORG, _ORG.id == col(StanceEvent.org_id), isouter=True)
            .join(_MODEL, _MODEL.id == col(StanceEvent.model_id), isouter=True)
            .join(Article, col(Article.id) == col(StanceEvent.article_id), isouter=True))
    if org:
        entity = resolve(session, "org", org)
        if entity is None:
            raise NotFound(f"no organization named {org!r}; see `aikb entities list --kind org`")
        stmt = stmt.where(col(StanceEvent.org_id).in_(_with_merged(session, entity)))
    if model_ids is not None:
        stmt = stmt.where(col(StanceEvent.model_id).in_(model_ids))
    # the LATEST events when there are more than LIMIT (an all-org timeline on a large store)
    rows = core_rows(session, stmt.order_by(col(StanceEvent.occurred_at).desc(), col(StanceEvent.id).desc()).limit(limit))
    by_org: dict = {}
    for row in rows:  # events of no known org are each model line's own, not one "(unknown)" org's
        by_org.setdefault(row[1] if row[1] is not None else (None, family_key(row[2], row[13])), []).append(row)
    out: list[TimelineEvent] = []
    for events in by_org.values():
        events.sort(key=lambda r: (r[8] or _NEVER, r[0]))
        ordered, current, i = [], None, 0
        while i < len(events):
            j = i
            while j < len(events) and events[j][8] == events[i][8]:
                j += 1
            group = sorted(events[i:j], key=lambda r: (r[5], r[3] != current, r[0]))
            for row in group:
                if not row[5]:
                    current = row[3]
            ordered.extend(group)
            i = j
        flags = shift_flags([StanceStep(stance=r[3], planned=bool(r[5]), origin=r[6],
                                        family=family_key(r[2], r[13]), when=r[8]) for r in ordered])
        for (eid, oname, mname, stance, licence, planned, origin, ref, occurred, evidence, article_id,
             title, url, _family), shift in zip(ordered, flags):
            out.append(TimelineEvent(
                event_id=eid, org=oname, model=mname, stance=stance, license=licence, planned=bool(planned),
                origin=origin, reference_source=ref, occurred_at=occurred, evidence=evidence,
                article_id=article_id, article_title=title, article_url=url, is_shift=shift))
    out.sort(key=lambda e: (e.occurred_at or _NEVER, e.org or ""))
    return out


def _aliases(session: Session, entity_ids: list[int]) -> tuple[str, ...]:
    names = session.exec(select(col(Alias.alias)).where(col(Alias.entity_id).in_(entity_ids))).all()
    merged = session.exec(select(col(Entity.name)).where(col(Entity.merged_into_id).in_(entity_ids))).all()
    return tuple(sorted({*names, *merged}, key=str.casefold))


def _roles(session: Session, conditions: list, limit: int = 200) -> tuple[RoleRow, ...]:
    """Roles matching any of CONDITIONS, first seen first, at most LIMIT.

    Each condition picks its own first LIMIT role ids through an index (ix_personrole_org_seen for an
    org); only the LIMIT rows chosen from their union are joined to people, orgs and articles.
    (Joining every matching role before sorting read all articles on PostgreSQL for a busy org.)
    """
    arms = [select(col(PersonRole.id), col(PersonRole.seen_at)).where(c).order_by(col(PersonRole.seen_at), col(PersonRole.id))
            .limit(limit).subquery() for c in conditions]
    if len(arms) > 1:
        both = union(*(select(a.c.id, a.c.seen_at) for a in arms)).subquery()
        chosen = select(both.c.id).order_by(both.c.seen_at, both.c.id).limit(limit)
    else:
        chosen = select(arms[0].c.id)
    rows = core_rows(session, select(
        _PERSON.name, _ORG.name, col(PersonRole.role), col(PersonRole.seen_at), col(PersonRole.article_id), col(Article.title),
        col(Article.url), col(PersonRole.evidence))
        .join(_PERSON, _PERSON.id == col(PersonRole.person_id)).join(_ORG, _ORG.id == col(PersonRole.org_id), isouter=True)
        .join(Article, col(Article.id) == col(PersonRole.article_id), isouter=True)
        .where(col(PersonRole.id).in_(chosen)).order_by(col(PersonRole.seen_at), col(PersonRole.id)))
    return tuple(RoleRow(person=pname, org=oname, role=role, seen_at=seen_at, article_id=article_id,
                         article_title=title, article_url=url, evidence=evidence)
                 for pname, oname, role, seen_at, article_id, title, url, evidence in rows)


def model_page(session: Session, name: str, *, max_scores: int = 200) -> Optional[ModelPage]:
    """Everything known about a model: org, aliases, stance history, scores, people around it."""
    model = resolve(session, "model", name)
    if model is None:
        return None
    ids = _with_merged(session, model)
    org = session.get(Entity, model.org_id) if model.org_id else None
    claim_ids = session.exec(select(col(ScoreClaim.id)).where(col(ScoreClaim.model_id).in_(ids))
                             .order_by(col(ScoreClaim.first_reported_at).desc()).limit(max_scores)).all()
    family_keys = {k for k in (name_key(model.family or ""), model.key) if k}
    stances = []
    if org is not None:
        keys: dict[str, str] = {}  # model name -> name_key (an org's events name few models, many times)
        for e in timeline(session, org.name, limit=1000):
            if e.model:
                key = keys.get(e.model)
                if key is None:
                    key = keys[e.model] = name_key(e.model)
                if key in family_keys or key == model.key:
                    stances.append(e)
    else:  # a model of no known organization: its own events
        stances = timeline(session, model_ids=list(ids), limit=1000)
    article_ids = select(col(ArticleEntity.article_id)).where(col(ArticleEntity.entity_id).in_(ids)).limit(2000)
    people_conds: list[ColumnElement[bool]] = [col(PersonRole.article_id).in_(article_ids)]
    if org is not None:
        people_conds.append(col(PersonRole.org_id) == org.id)
    n_articles = session.exec(select(func.count()).select_from(ArticleEntity)
                              .where(col(ArticleEntity.entity_id).in_(ids))).one()
    return ModelPage(model_id=model.id, name=model.name, org=org.name if org else None, family=model.family,
                     aliases=_aliases(session, ids), stances=tuple(stances),
                     scores=tuple(claim_hits(session, list(claim_ids))),
                     people=_roles(session, people_conds, limit=100), article_count=n_articles)


def person_page(session: Session, name: str) -> Optional[PersonPage]:
    """A person's roles over time, each with the article that states it."""
    person = resolve(session, "person", name)
    if person is None:
        return None
    ids = _with_merged(session, person)
    return PersonPage(person_id=person.id, name=person.name, aliases=_aliases(session, ids),
                      roles=_roles(session, [col(PersonRole.person_id).in_(ids)]))


def org_page(session: Session, name: str) -> Optional[OrgPage]:
    """An organization's models, openness timeline and people."""
    org = resolve(session, "org", name)
    if org is None:
        return None
    ids = _with_merged(session, org)
    models = session.exec(select(col(Entity.name)).where(col(Entity.org_id).in_(ids), col(Entity.kind) == "model",
                                                    col(Entity.merged_into_id).is_(None))
                          .order_by(col(Entity.name))).all()
    return OrgPage(org_id=org.id, name=org.name, aliases=_aliases(session, ids), models=tuple(models),
                   timeline=tuple(timeline(session, org.name)),
                   people=_roles(session, [col(PersonRole.org_id).in_(ids)]))


def list_entities(session: Session, kind: Optional[str] = None, *, query: Optional[str] = None,
                  include_merged: bool = False, limit: int = 1000) -> list[EntityRow]:
    """Entities (of one kind), by name, with their org and aliases."""
    org = aliased(Entity)
    target = aliased(Entity)
    stmt = (select(Entity, org.name, target.name).join(org, col(org.id) == col(Entity.org_id), isouter=True)
            .join(target, col(target.id) == col(Entity.merged_into_id), isouter=True))
    if kind:
        stmt = stmt.where(Entity.kind == kind)
    if not include_merged:
        stmt = stmt.where(col(Entity.merged_into_id).is_(None))
    if query:
        stmt = stmt.where(col(Entity.key).contains(name_key(query), autoescape=True))
    rows = session.exec(stmt.order_by(Entity.kind, Entity.name).limit(limit)).all()
    aliases: dict[int, list[str]] = {}
    if rows:
        for eid, alias in session.exec(select(Alias.entity_id, Alias.alias)
                                       .where(col(Alias.entity_id).in_([r[0].id for r in rows]))).all():
            aliases.setdefault(eid, []).append(alias)
    return [EntityRow(entity_id=e.id, kind=e.kind, name=e.name, org=oname, origin=e.origin,
                      aliases=tuple(sorted(aliases.get(e.id, []))), merged_into=tname)
            for e, oname, tname in rows]
