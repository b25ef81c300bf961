"""What the store was seeded from: fingerprints of the data files in the kbmeta table (0008).

The gazetteer and the reference stance history ship with the code. A store records the fingerprint
of the files it last loaded; when a newer release ships other files, the next extraction sees another
fingerprint and re-runs the (idempotent) seed, so an existing store learns the new names and aliases.
When nothing changed the check is one primary-key read (the files are hashed once per process).
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from kb.db import utcnow
from kb.models import KbMeta, table_of


def fingerprint(paths: Iterable[Path], salt: str = "") -> str:
    """sha256 of SALT and each file's name and bytes (a missing file counts as missing, not an error).

    Cached per file state (path, size, modification time): a process hashes the files once, and a file
    rewritten while it runs is hashed again.
    """
    states = []
    for path in paths:
        try:
            st = path.stat()
            states.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            states.append((str(path), -1, -1))
    return _fingerprint(tuple(states), salt)


@functools.lru_cache(maxsize=32)
def _fingerprint(states: tuple[tuple[str, int, int], ...], salt: str) -> str:
    digest = hashlib.sha256(salt.encode())
    for name, size, _ in states:
        digest.update(b"\0" + Path(name).name.encode() + b"\0")
        digest.update(Path(name).read_bytes() if size >= 0 else b"<missing>")
    return digest.hexdigest()


def get_meta(session: Session, key: str) -> Optional[str]:
    """The value stored under KEY, or None (one primary-key read)."""
    return session.exec(select(KbMeta.value).where(KbMeta.key == key)).first()


def set_meta(session: Session, key: str, value: str) -> None:
    """Store VALUE under KEY (an upsert: two writers recording at once both succeed; the last one wins)."""
    table = table_of(KbMeta)
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"kbmeta upsert on {dialect}")
    stmt = module.insert(table).values(key=key, value=value, updated_at=utcnow())
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.key],
                                      set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at})
    session.connection().execute(stmt)


def load_unless_recorded(session: Session, key: str, stamp: str, load: Callable[[], int], force: bool = False) -> int:
    """Run LOAD (an idempotent seed) unless the store recorded STAMP under KEY; returns what LOAD returns, 0
    when skipped. One primary-key read when nothing changed; FORCE loads whatever the record says.

    The stamp is recorded first, in the same transaction: the write takes SQLite's write lock and
    PostgreSQL's row lock, so a second loader waits for this one and then sees its rows instead of racing it.
    """
    if not force and get_meta(session, key) == stamp:
        return 0
    set_meta(session, key, stamp)
    return load()
