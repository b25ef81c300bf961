"""Entity linking: find or create the entity of a name; seed the gazetteer's names and aliases.

Unknown names become new entities; near misses are never merged (kb.read.lookup.name_key keeps every
digit and dot, so "GPT-5" and "GPT-5.4" stay two models). Lookups themselves live in kb.read.lookup.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Optional

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kb.db import utcnow
from kb.errors import InputError
from kb.models import Alias, Entity, table_of
from kb.read.lookup import KINDS, resolve
from kb.settings import DATA_DIR
from kb.store.meta import fingerprint, load_unless_recorded
from kb.text.keys import name_key

log = logging.getLogger(__name__)


def link(session: Session, kind: str, name: str, *, org: Optional[str] = None,
         family: Optional[str] = None, origin: str = "news") -> tuple[Optional[Entity], bool]:
    """Find or create the entity of NAME; returns (entity, created). Empty names give (None, False).

    A model is attached to its organization (linked or created) when it has none yet.
    """
    if kind not in KINDS:
        raise InputError(f"unknown entity kind {kind!r}; use one of {', '.join(KINDS)}")
    name = " ".join((name or "").split())
    if not name_key(name, kind):
        return None, False
    entity = resolve(session, kind, name)
    created = False
    if entity is None:
        entity, created = _insert(session, kind, name, origin)
    if kind == "model":
        if org and entity.org_id is None:
            org_entity, _ = link(session, "org", org, origin=origin)
            if org_entity is not None:
                entity.org_id = org_entity.id
                entity.org_origin = "gazetteer" if origin == "gazetteer" else "news"
                session.add(entity)
        if family and not entity.family:
            entity.family = family
            session.add(entity)
    return entity, created


def _insert(session: Session, kind: str, name: str, origin: str) -> tuple[Entity, bool]:
    """Insert a new entity; if a concurrent writer won the race, use theirs."""
    key = name_key(name, kind)
    try:
        with session.begin_nested():
            entity = Entity(kind=kind, name=name, key=key, origin=origin, created_at=utcnow())
            session.add(entity)
            session.flush()
        return entity, True
    except IntegrityError:
        found = resolve(session, kind, name)
        if found is None:
            raise
        return found, False


GAZETTEER_DIR = DATA_DIR / "gazetteer"
GAZETTEER_FILES = ("orgs.jsonl", "benchmarks.jsonl", "people.jsonl", "models.jsonl")  # orgs before models


SEED_VERSION = "1"  # bump when seeding itself changes: every store then seeds again once


def gazetteer_fingerprint(directory: Optional[Path] = None) -> str:
    """The fingerprint of the gazetteer files seeding reads (hashed once per process)."""
    directory = Path(directory or GAZETTEER_DIR)
    return fingerprint([directory / name for name in GAZETTEER_FILES], salt=f"gazetteer-seed-{SEED_VERSION}")


def ensure_gazetteer(session: Session, directory: Optional[Path] = None, *, force: bool = False) -> int:
    """Seed the gazetteer unless this database holds this very gazetteer already; returns new entities.

    One cheap query when nothing changed (it runs on every stored extraction). A store seeded from
    another version of the files (or before 0008 recorded any) is seeded again: the seed is idempotent
    and adds the names and aliases it lacks. FORCE seeds whatever the record says (`aikb entities seed`).
    """
    stamp = gazetteer_fingerprint(directory)

    def seed() -> int:
        new = seed_gazetteer(session, directory)
        log.info("gazetteer seeded (%d new entities), fingerprint %s", new, stamp[:12])
        return new
    return load_unless_recorded(session, "gazetteer", stamp, seed, force)


def seed_gazetteer(session: Session, directory: Optional[Path] = None) -> int:
    """Insert the gazetteer's entities and aliases (idempotent); returns how many entities were new.

    Reads orgs/benchmarks/people/models.jsonl under DIRECTORY (format: its SOURCE.md): `name`,
    optional `aliases` and, for models, `org` and `family`. Names already known (as a name or an
    alias) are not duplicated; an alias that names another entity is skipped, not merged.
    """
    for attempt in range(2):
        try:
            with session.begin_nested():
                return _seed(session, Path(directory or GAZETTEER_DIR))
        except IntegrityError:  # a concurrent seeder inserted the same names; the retry sees them
            if attempt:
                raise
    return 0


def _seed(session: Session, directory: Path) -> int:
    """Batched Core inserts: building thousands of ORM objects would cost more than the inserts."""
    keys: dict[tuple[str, str], Optional[int]] = {}  # (kind, key) -> entity id (None until inserted)
    for k, key, entity_id in session.exec(select(Entity.kind, Entity.key, Entity.id)).all():
        keys[(k, key)] = entity_id
    for k, key, entity_id in session.exec(select(Alias.kind, Alias.key, Alias.entity_id)).all():
        keys.setdefault((k, key), entity_id)
    new = 0
    for filename in GAZETTEER_FILES:
        path = directory / filename
        if not path.exists():
            continue
        kind = _kind_from_filename(path.stem)
        if kind is None:
            continue  # (every name in GAZETTEER_FILES starts with a kind)
        rows = _gazetteer_rows(path)
        new += _insert_entities(session, kind, rows, keys)
        _insert_aliases_and_makers(session, kind, rows, keys)
    session.flush()
    return new


def _gazetteer_rows(path: Path) -> list[dict]:
    """The entries of one gazetteer file (JSON lines with a `name`); a malformed line is logged and skipped."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            log.warning("gazetteer %s:%d is not JSON; skipped", path.name, lineno)
            continue
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            rows.append(row)
    return rows


def _insert_entities(session: Session, kind: str, rows: list[dict], keys: dict) -> int:
    """Insert the names of ROWS (and a model's maker) not known yet; KEYS learns their ids. Returns how many."""
    now = utcnow()
    fresh = []
    for row in rows:
        names = [(kind, row["name"])]
        if kind == "model" and isinstance(row.get("org"), str):
            names.append(("org", row["org"]))
        for k, name in names:
            key = name_key(name, k)
            if key and (k, key) not in keys:
                keys[(k, key)] = None
                fresh.append(dict(kind=k, name=" ".join(name.split()), key=key, origin="gazetteer",
                                  created_at=now, org_id=None, family=None, merged_into_id=None))
    if fresh:
        session.exec(insert(Entity), params=fresh)
        for k, key, eid in session.exec(select(Entity.kind, Entity.key, Entity.id)
                                        .where(Entity.origin == "gazetteer")).all():
            if keys.get((k, key)) is None:
                keys[(k, key)] = eid
    return len(fresh)


def _insert_aliases_and_makers(session: Session, kind: str, rows: list[dict], keys: dict) -> None:
    """The aliases of ROWS not naming anything yet, and each model's maker and family where none is set."""
    aliases, makers = [], []
    for row in rows:
        eid = keys.get((kind, name_key(row["name"], kind)))
        if eid is None:
            continue
        for alias in row.get("aliases") or ():
            akey = name_key(alias, kind) if isinstance(alias, str) else ""
            if akey and (kind, akey) not in keys:
                aliases.append(dict(entity_id=eid, kind=kind, alias=alias, key=akey))
                keys[(kind, akey)] = eid
        if kind == "model":
            org_id = keys.get(("org", name_key(row["org"], "org"))) if isinstance(row.get("org"), str) else None
            family = row.get("family") if isinstance(row.get("family"), str) else None
            if org_id or family:
                makers.append(dict(eid=eid, org=org_id, fam=family))
    if aliases:
        session.exec(insert(Alias), params=aliases)
    if makers:  # attach makers and families only where none is set yet (an analyst's edit wins)
        table = table_of(Entity)  # Core UPDATE: ORM bulk mode would want whole rows by primary key
        for column, param in (("org_id", "org"), ("family", "fam")):
            params = [m for m in makers if m[param]]
            if params:
                session.connection().execute(
                    update(table).where(table.c.id == bindparam("eid"), table.c[column].is_(None))
                    .values({column: bindparam(param)}), params)


def _normal_kind(kind: Optional[str]) -> Optional[str]:
    kind = (kind or "").lower()
    return {"organization": "org", "organisation": "org", "orgs": "org", "models": "model",
            "benchmarks": "benchmark", "people": "person", "persons": "person"}.get(kind, kind)


def _kind_from_filename(stem: str) -> Optional[str]:
    for kind in ("model", "org", "person", "benchmark", "organization", "people"):
        if stem.lower().startswith(kind):
            return _normal_kind(kind)
    return None
