"""One writer at a time on a SQLite file (ingest or re-extraction): an exclusive lock on a file next to it.

The lock is an flock(2) on "<database>.ingest.lock": the kernel drops it when the process ends,
however it ends (SIGKILL included), so a crash never leaves a stale lock. PostgreSQL needs no
such lock: workers share the work through row leases (kb/store/sources.py).
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from typing import Callable, Iterator

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
def ingest_lock(engine: Engine, *, wait: float = 0.0, holder: str = "ingest",
                on_wait: Callable[[str], None] | None = None, poll: float = 0.5) -> Iterator[None]:
    """Hold the ingest lock of ENGINE's database for the block.

    Ingest and re-extraction both take it, so they never write one SQLite file at the same time.

    Args:
        wait: seconds to wait for the lock when another process holds it (0: fail at once).
        holder: what this process is doing ("ingest", "reextract"), written into the lock file.
        on_wait: called once with a message when this process has to wait.
    Raises:
        StoreError: another process holds the lock (and kept it for WAIT seconds).
    """
    path = lock_path(engine)
    if path is None:
        yield
        return
    handle = open(path, "a+")
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                other, pid = _holder(path)
                if time.monotonic() >= deadline:
                    waited = f", waited {wait:g}s" if wait > 0 else ""
                    raise StoreError(f"another {other} is running on {engine.url.database} "
                                     f"(pid {pid}, lock {path}{waited}); "
                                     "wait for it to finish, or use PostgreSQL for parallel workers") from None
                if on_wait is not None and not told:
                    on_wait(f"waiting for the {other} running on {engine.url.database} (pid {pid}) to finish")
                    told = True
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {holder}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock


def _holder(path: str) -> tuple[str, str]:
    """What the process holding the lock said it does, and its pid, from the lock file."""
    try:
        with open(path) as handle:
            parts = handle.read(200).split()
    except OSError:
        parts = []
    pid = parts[0] if parts and parts[0].isdigit() else "?"
    what = parts[1] if len(parts) >= 2 and parts[1].isalpha() else "ingest"
    return what, pid
