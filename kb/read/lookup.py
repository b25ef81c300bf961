"""Entity lookup: which entity a name denotes, however it is spelled (read-only; kb.store.linking writes).

A name is looked up by its key (kb.text.keys.name_key: case, spaces, hyphens and apostrophes do not
matter) among canonical names and aliases; near misses never match (the key keeps every digit and dot, so
"GPT-5" and "GPT-5.4" stay two models). Merged entities keep their row with `merged_into_id` so
lookups follow them to the survivor.
"""
from __future__ import annotations

from typing import Optional

from sqlmodel import Session, select

from kb.errors import InputError, NotFound
from kb.models import Alias, Entity
from kb.text.keys import name_key

KINDS = ("model", "org", "person", "benchmark")


def _live(session: Session, entity: Optional[Entity]) -> Optional[Entity]:
    """Follow merged_into_id to the surviving entity (bounded, in case of a cycle)."""
    for _ in range(10):
        if entity is None or entity.merged_into_id is None:
            return entity
        entity = session.get(Entity, entity.merged_into_id)
    return entity


def resolve(session: Session, kind: str, name: str) -> Optional[Entity]:
    """The entity this name denotes (by canonical key, then alias), or None."""
    key = name_key(name, kind)
    if not key:
        return None
    entity = session.exec(select(Entity).where(Entity.kind == kind, Entity.key == key)).first()
    if entity is None:
        alias = session.exec(select(Alias).where(Alias.kind == kind, Alias.key == key)).first()
        if alias is not None:
            entity = session.get(Entity, alias.entity_id)
    return _live(session, entity)


def find(session: Session, name: str, kind: Optional[str] = None) -> Entity:
    """The entity named NAME (any kind unless given); raises NotFound, or InputError when ambiguous."""
    kinds = [kind] if kind else list(KINDS)
    found = [e for e in (resolve(session, k, name) for k in kinds) if e is not None]
    if not found:
        raise NotFound(f"no entity named {name!r}" + (f" of kind {kind}" if kind else ""))
    if len({e.id for e in found}) > 1:
        raise InputError(f"{name!r} names several entities ({', '.join(e.kind for e in found)}); "
                         "add --kind")
    return found[0]
