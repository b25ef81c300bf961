"""Entity lookup: which entity a name denotes, however it is spelled (read-only; kb.store.linking writes).

A name is looked up by its key (kb.text.keys.name_key: case, spaces, hyphens and apostrophes do not
matter) among canonical names and aliases; near misses never match (the key keeps every digit and dot, so
"GPT-5" and "GPT-5.4" stay two models). Merged entities keep their row with `merged_into_id` so
lookups follow them to the survivor.

resolve_id answers on SQLAlchemy Core alone, for search (its start-up loads no SQLModel); resolve and find
return the ORM entity of that id for the store and the pages (this module loads SQLModel only then).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Union

from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection

from kb.errors import InputError, NotFound
from kb.read.core_tables import alias as alias_table
from kb.read.core_tables import entity as entity_table
from kb.text.keys import name_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kb.models import Entity

KINDS = ("model", "org", "person", "benchmark")
DB = Union["Session", Connection]  # a session (its connection is used) or a connection


def connection_of(db: DB) -> Connection:
    """DB's connection: DB itself, or the session's (its pending changes flushed first when it autoflushes,
    as its own queries would)."""
    if isinstance(db, Connection):
        return db
    if db.autoflush:
        db.flush()
    return db.connection()


def resolve(session: Session, kind: str, name: str) -> Optional[Entity]:
    """The entity this name denotes (by canonical key, then alias, merges followed), or None."""
    from kb.models import Entity

    entity_id = resolve_id(connection_of(session), kind, name)
    return None if entity_id is None else session.get(Entity, entity_id)


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
    """The id of the entity a name denotes (canonical key, then alias, then merges followed), or None.

    CONN is a Core connection: no ORM, no pending changes of a session (connection_of flushes them).
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
    for _ in range(10):  # follow merged_into_id to the survivor (bounded, in case of a cycle)
        if found is None or found[1] is None:
            break
        found = conn.execute(core_select(e.c.id, e.c.merged_into_id).where(e.c.id == found[1])).first()
    return None if found is None else int(found[0])
