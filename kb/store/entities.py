"""Analysts' corrections to entity linking: merge two entities, split a name off again.

Merging re-points every claim, stance, role and mention to the survivor and re-keys the claims, so
two claims that become the same (same model, benchmark, setting, value) collapse into one with the
sources of both. The merged row stays (merged_into_id) so its names keep resolving to the survivor.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from kb.db import utcnow
from kb.errors import InputError, NotFound
from kb.models import (
    Alias,
    ArticleEntity,
    ClaimSource,
    Entity,
    PersonRole,
    ScoreClaim,
    StanceEvent,
)
from kb.read.lookup import find, resolve
from kb.store.claims import claim_key, refresh_claims, set_model_org
from kb.text.keys import name_key


@dataclass(frozen=True)
class MergeResult:
    source: str
    target: str
    kind: str
    claims_moved: int
    claims_collapsed: int


def merge_entities(session: Session, source: str, target: str, kind: str | None = None) -> MergeResult:
    """Merge the entity named SOURCE into the one named TARGET (same kind); flushes, does not commit."""
    a, b = find(session, source, kind), find(session, target, kind)
    if a.kind != b.kind:
        raise InputError(f"cannot merge a {a.kind} ({a.name}) into a {b.kind} ({b.name})")
    if a.id == b.id:
        raise InputError(f"{source!r} and {target!r} already name the same {a.kind} ({a.name})")
    moved = session.exec(select(ScoreClaim.id).where(
        (ScoreClaim.model_id == a.id) | (ScoreClaim.benchmark_id == a.id))).all()
    for column in (ScoreClaim.model_id, ScoreClaim.benchmark_id):
        session.exec(update(ScoreClaim).where(column == a.id).values({column.key: b.id}))
    for column in (StanceEvent.org_id, StanceEvent.model_id):
        session.exec(update(StanceEvent).where(column == a.id).values({column.key: b.id}))
    _merge_roles(session, a.id, b.id)
    session.exec(update(Entity).where(Entity.org_id == a.id).values(org_id=b.id))
    session.exec(update(Alias).where(Alias.entity_id == a.id).values(entity_id=b.id))
    session.exec(update(Entity).where(Entity.merged_into_id == a.id).values(merged_into_id=b.id))
    _merge_mentions(session, a.id, b.id)
    if b.kind == "model" and b.org_id is None and a.org_id is not None:
        b.org_id = a.org_id
    a.merged_into_id = b.id
    session.add_all([a, b])
    session.flush()
    collapsed = _rekey(session, list(moved))
    return MergeResult(source=a.name, target=b.name, kind=a.kind, claims_moved=len(moved),
                       claims_collapsed=collapsed)


def _merge_roles(session: Session, old: int, new: int) -> None:
    """Re-point roles; a role that would duplicate one the survivor already has is dropped."""
    def ident(r: PersonRole, column: str, value: int) -> tuple:
        values = {"person_id": r.person_id, "org_id": r.org_id, column: value}
        return (values["person_id"], values["org_id"], r.role, r.article_id)

    for column in ("person_id", "org_id"):
        rows = session.exec(select(PersonRole).where(getattr(PersonRole, column) == old)).all()
        if not rows:
            continue
        existing = {(r.person_id, r.org_id, r.role, r.article_id)
                    for r in session.exec(select(PersonRole).where(getattr(PersonRole, column) == new)).all()}
        for r in rows:
            key = ident(r, column, new)
            if key in existing:
                session.delete(r)
            else:
                setattr(r, column, new)
                existing.add(key)
                session.add(r)
        session.flush()


def _merge_mentions(session: Session, old: int, new: int) -> None:
    for row in session.exec(select(ArticleEntity).where(ArticleEntity.entity_id == old)).all():
        existing = session.get(ArticleEntity, (row.article_id, new))
        if existing is not None:
            existing.mentions += row.mentions
            if row.role == "focal":
                existing.role = "focal"
            session.add(existing)
        else:
            session.add(ArticleEntity(article_id=row.article_id, entity_id=new, role=row.role,
                                      mentions=row.mentions))
        session.delete(row)
    session.flush()


def _rekey(session: Session, claim_ids: list[int]) -> int:
    """Give re-pointed claims their new key; a claim whose key is taken joins the holder. Returns joins."""
    collapsed, touched = 0, set()
    for claim_id in claim_ids:
        claim = session.get(ScoreClaim, claim_id)
        key = claim_key(claim.model_id, claim.benchmark_id, claim.qualifier, claim.value)
        holder = session.exec(select(ScoreClaim).where(ScoreClaim.claim_key == key)).first()
        if holder is None or holder.id == claim.id:
            claim.claim_key = key
            session.add(claim)
            continue
        taken = set(session.exec(select(ClaimSource.article_id).where(ClaimSource.claim_id == holder.id)).all())
        for source in session.exec(select(ClaimSource).where(ClaimSource.claim_id == claim.id)).all():
            if source.article_id in taken:
                session.delete(source)
            else:
                source.claim_id = holder.id
                session.add(source)
        touched.update({holder.id, claim.id})
        collapsed += 1
        session.flush()
    refresh_claims(session, touched)
    return collapsed


def split_name(session: Session, name: str, kind: str | None = None) -> Entity:
    """Detach NAME (an alias, or an entity merged into another) into an entity of its own.

    Claims already linked stay with the old entity until `aikb reextract --all` links them again.
    """
    kinds = [kind] if kind else ["model", "org", "person", "benchmark"]
    key = name_key(name, kind)
    for k in kinds:
        merged = session.exec(select(Entity).where(Entity.kind == k, Entity.key == name_key(name, k),
                                                   Entity.merged_into_id.is_not(None))).first()
        if merged is not None:
            merged.merged_into_id = None
            session.add(merged)
            session.flush()
            return merged
        alias = session.exec(select(Alias).where(Alias.kind == k, Alias.key == name_key(name, k))).first()
        if alias is not None:
            session.delete(alias)
            session.flush()
            entity = Entity(kind=k, name=alias.alias, key=alias.key, origin="manual", created_at=utcnow())
            session.add(entity)
            session.flush()
            return entity
    if key and any(find_quiet(session, name, k) for k in kinds):
        raise InputError(f"{name!r} is an entity's own name, not an alias; nothing to split")
    raise NotFound(f"no alias or merged entity named {name!r}")


def find_quiet(session: Session, name: str, kind: str) -> bool:
    try:
        find(session, name, kind)
        return True
    except (NotFound, InputError):
        return False


def set_org(session: Session, model_name: str, org_name: str) -> tuple[Entity, Entity]:
    """Make ORG_NAME the organization of the model MODEL_NAME (an analyst's fix; kept across re-extraction).

    The organization is linked by name (created when unknown); the model's stance events that had no
    organization get it too. Returns (model, org). Raises NotFound for an unknown model.
    """
    model = resolve(session, "model", model_name)
    if model is None:
        raise NotFound(f"no model named {model_name!r}; see `aikb entities list --kind model`")
    org_name = " ".join((org_name or "").split())
    if not name_key(org_name, "org"):
        raise InputError("give the organization's name, e.g. `aikb entities set-org \"Halo 2\" \"Northwind AI\"`")
    org = set_model_org(session, model, org_name, origin="manual")
    return model, org
