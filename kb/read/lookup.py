"""Entity lookup: which entity a name denotes, however it is spelled (read-only; kb.store.linking writes).

A name is looked up by its key (kb.text.keys.name_key: case, spaces, hyphens and apostrophes do not
matter) among canonical names and aliases; near misses never match (the key keeps every digit and dot, so
"GPT-5" and "GPT-5.4" stay two models). Merged entities keep their row with `merged_into_id` so
lookups follow them to the survivor.

resolve and find return ORM entities (the store and the pages use their fields); resolve_id answers the
same question with an id, on SQLAlchemy Core alone, for search (its start-up loads no SQLModel, so this
module loads it only when resolve is called).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from sqlalchemy import select as core_select

from kb.errors import InputError, NotFound
from kb.read.core_tables import alias as alias_table
from kb.read.core_tables import entity as entity_table
from kb.text.keys import name_key

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from kb.models import Entity

KINDS = ("model", "org", "person", "benchmark")


def _live(session: Session, entity: Optional[Entity]) -> Optional[Entity]:
    """Follow merged_into_id to the surviving entity (bounded, in case of a cycle)."""
    from kb.models import Entity

    for _ in range(10):
        if entity is None or entity.merged_into_id is None:
            return entity
        entity = session.get(Entity, entity.merged_into_id)
    return entity


def resolve(session: Session, kind: str, name: str) -> Optional[Entity]:
    """The entity this name denotes (by canonical key, then alias), or None."""
    from sqlmodel import select

    from kb.models import Alias, Entity

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


def resolve_id(conn: Connection, kind: str, name: str) -> Optional[int]:
    """The id of the entity resolve would return (canonical key, then alias, then merges followed), or None.

    CONN is a Core connection: no ORM, no pending changes of a session (callers holding a session flush it).
    """
    key = name_key(name, kind)
    if not key:
        return None
    e = entity_table
    found = conn.execute(core_select(e.c.id, e.c.merged_into_id).where(e.c.kind == kind, e.c.key == key)).first()
    if found is None:
        a = alias_table
        found = conn.execute(core_select(e.c.id, e.c.merged_into_id).join(a, a.c.entity_id == e.c.id)
                             .where(a.c.kind == kind, a.c.key == key)).first()
    for _ in range(10):  # follow merged_into_id to the survivor (bounded, as _live)
        if found is None or found[1] is None:
            break
        found = conn.execute(core_select(e.c.id, e.c.merged_into_id).where(e.c.id == found[1])).first()
    return None if found is None else int(found[0])
