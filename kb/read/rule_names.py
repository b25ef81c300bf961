"""Names an alert rule may watch: known benchmarks, models and organizations, with "did you mean".

A rule on a misspelt name ("Charxiv Reasonng", "Metaa") can never fire. A name is known when the store
has it (any alias; kb.read.lookup.resolve) or the gazetteer lists it (data/gazetteer, so a rule can be set
up before the first ingest). Unknown names are refused with the closest known ones, unless the caller
allows a new name (a model not announced yet). Read-only (kb.alerts.rules.add_checked_rule is the
form's writer); no spaCy.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import Optional

from sqlmodel import Session, select

from kb.errors import InputError
from kb.models import Alias, Entity
from kb.read.lookup import resolve
from kb.settings import DATA_DIR
from kb.text.keys import name_key

GAZETTEER_DIR = DATA_DIR / "gazetteer"
_FILES = {"benchmark": "benchmarks.jsonl", "model": "models.jsonl", "org": "orgs.jsonl"}
MAX_CANDIDATES = 20_000


@lru_cache(maxsize=None)
def gazetteer_names(kind: str) -> dict[str, str]:
    """name_key -> display name of every gazetteer entry of KIND (names and aliases)."""
    out: dict[str, str] = {}
    path = GAZETTEER_DIR / _FILES[kind]
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for name in (row["name"], *row.get("aliases", [])):
            out.setdefault(name_key(name, kind), row["name"])
    return out


def known_name(session: Session, kind: str, name: str) -> Optional[str]:
    """The known display name NAME refers to (store first, then gazetteer), or None."""
    entity = resolve(session, kind, name)
    if entity is not None:
        return entity.name
    return gazetteer_names(kind).get(name_key(name, kind))


def suggestions(session: Session, kind: str, name: str, n: int = 3) -> list[str]:
    """Up to N known names closest to NAME (spelling, case and spacing ignored)."""
    key = name_key(name, kind)
    candidates: dict[str, str] = dict(gazetteer_names(kind))
    # names of the store that share the first letter: a misspelling rarely changes it, and it keeps
    # the candidates few on a store with many entities
    first = key[:1]
    rows = session.exec(select(Entity.key, Entity.name).where(Entity.kind == kind, Entity.merged_into_id.is_(None),
                                                              Entity.key.startswith(first))
                        .limit(MAX_CANDIDATES)).all()
    rows += session.exec(select(Alias.key, Entity.name).join(Entity, Entity.id == Alias.entity_id)
                         .where(Alias.kind == kind, Alias.key.startswith(first)).limit(MAX_CANDIDATES)).all()
    for k, display in rows:
        candidates.setdefault(k, display)
    close = difflib.get_close_matches(key, list(candidates), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for k in close:
        if candidates[k] not in out:
            out.append(candidates[k])
    return out[:n]


def check_rule_names(session: Session, *, benchmark: Optional[str] = None, model: Optional[str] = None,
                     org: Optional[str] = None, allow_new: bool = False) -> None:
    """Raise InputError for a benchmark, model or org nobody knows, suggesting the closest names."""
    if allow_new:
        return
    for kind, flag, name in (("benchmark", "--benchmark", benchmark), ("model", "--model", model),
                             ("org", "--org", org)):
        name = " ".join((name or "").split())
        if not name or known_name(session, kind, name):
            continue
        close = suggestions(session, kind, name)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(f"unknown {kind} {name!r} for {flag}{hint} (add --allow-new to watch a name "
                         f"not seen yet)")


def rule_name_options(session: Session, *, limit: int = 5000) -> dict[str, list[str]]:
    """Names the rule form offers per kind (benchmarks, models, orgs): the store's and the gazetteer's, A-Z."""
    out = {}
    for kind, key in (("benchmark", "benchmarks"), ("model", "models"), ("org", "orgs")):
        names = set(gazetteer_names(kind).values())
        names.update(session.exec(select(Entity.name).where(Entity.kind == kind, Entity.merged_into_id.is_(None))
                                  .order_by(Entity.id.desc()).limit(limit)).all())
        out[key] = sorted(names, key=str.casefold)
    return out
