"""One ingest at a time on a SQLite file: an exclusive, non-blocking lock on a file next to it.

The lock is an flock(2) on "<database>.ingest.lock": the kernel drops it when the process ends,
however it ends (SIGKILL included), so a crash never leaves a stale lock. PostgreSQL needs no
such lock: workers share the work through row leases (kb/sources.py).
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine

from kb.errors import StoreError


def lock_path(engine: Engine) -> str | None:
    """The lock file for ENGINE's database, or None when it needs none (PostgreSQL, in-memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return f"{database}.ingest.lock"


@contextmanager
def ingest_lock(engine: Engine) -> Iterator[None]:
    """Hold the ingest lock of ENGINE's database for the block.

    Raises:
        StoreError: another process is ingesting into the same SQLite file.
    """
    path = lock_path(engine)
    if path is None:
        yield
        return
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another ingest is running on {engine.url.database} (lock {path}); "
                             "wait for it to finish, or use PostgreSQL for parallel workers") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock
