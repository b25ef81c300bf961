"""Reference history of organizations' stances (before the news corpus), as StanceEvent rows.

data/reference/stances.jsonl is built by scripts/build_reference.py from Epoch AI and LLM-Stats
(CC BY 4.0; see data/reference/SOURCE.md). Rows are stored with origin="reference" and the source's
name, so the timeline shows them as reference data, not news.

When it is loaded: with the first extraction stored in a database (kb.store.claims.store_extraction, so
every `aikb ingest` / `aikb demo` store has it), on `aikb timeline` when it is missing, again when the
file differs from the one the store recorded loading (kbmeta, 0008: a newer release's rows reach an old
store), and on `aikb entities seed` (idempotent: a row already loaded is never duplicated; a row the
newer file drops or changes stays as it was).
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from kb.db import utcnow
from kb.models import Alias, Entity, StanceEvent
from kb.settings import DATA_DIR
from kb.store.linking import link
from kb.store.meta import fingerprint, load_unless_recorded
from kb.text.keys import name_key

log = logging.getLogger(__name__)
REFERENCE_FILE = DATA_DIR / "reference" / "stances.jsonl"


def reference_fingerprint(path: Optional[Path] = None) -> str:
    """The fingerprint of the reference file (hashed once per process)."""
    return fingerprint([Path(path or REFERENCE_FILE)], salt="reference-load-1")


def ensure_reference(session: Session, path: Optional[Path] = None, *, force: bool = False) -> int:
    """Load the reference history unless this very file was loaded already; returns new events.

    One cheap query when nothing changed; another version of the file (or a store from before 0008)
    is loaded again, adding the rows it lacks. FORCE loads whatever the record says.
    """
    return load_unless_recorded(session, "reference", reference_fingerprint(path),
                                lambda: load_reference(session, path), force)


def _key(row: dict) -> str:
    raw = "|".join(["reference", row.get("source") or "", name_key(row["org"], "org"), name_key(row["model"]),
                    row["stance"], row["date"]])
    return hashlib.sha1(raw.encode()).hexdigest()


def load_reference(session: Session, path: Optional[Path] = None) -> int:
    """Insert the reference stance events not yet stored (flushes, does not commit); returns how many."""
    path = Path(path or REFERENCE_FILE)
    if not path.exists():
        log.warning("no reference data at %s; the timeline starts with the news", path)
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    have = set(session.exec(select(StanceEvent.event_key).where(StanceEvent.origin == "reference")).all())
    orgs: dict[str, Optional[int]] = {}
    # one read of every model name instead of two queries per row
    models = {k: i for k, i in session.exec(select(Entity.key, func.coalesce(Entity.merged_into_id, Entity.id))
                                             .where(Entity.kind == "model")).all()}
    for k, i in session.exec(select(Alias.key, Alias.entity_id).where(Alias.kind == "model")).all():
        models.setdefault(k, i)
    new: list[dict] = []
    now = utcnow()
    try:
        with session.begin_nested():
            for row in rows:
                key = _key(row)
                if key in have or row.get("stance") not in ("open", "closed"):
                    continue
                if row["org"] not in orgs:
                    org, _ = link(session, "org", row["org"], origin="reference")
                    orgs[row["org"]] = org.id if org else None
                model_id = models.get(name_key(row["model"]))
                occurred = datetime.fromisoformat(row["date"]).replace(tzinfo=timezone.utc)
                licence = row.get("license")
                new.append(dict(
                    event_key=key, org_id=orgs[row["org"]], model_id=model_id, model_name=row["model"],
                    stance=row["stance"], license=licence, planned=False, origin="reference",
                    reference_source=row.get("source"), article_id=None,
                    evidence=row.get("accessibility") or (f"licence: {licence}" if licence else None),
                    start=None, end=None, occurred_at=occurred, extractor_version=None, created_at=now))
                have.add(key)
            if new:  # one batched INSERT (building ORM objects costs more than the insert itself)
                session.exec(insert(StanceEvent), params=new)
            session.flush()
    except IntegrityError:  # a concurrent loader got there first; its rows are the same rows
        log.info("reference data loaded concurrently")
        return 0
    return len(new)
