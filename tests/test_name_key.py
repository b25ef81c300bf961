"""One name key for the extractor, the linker and the gazetteer builder (issue 15 item 2).

Checked on every name and alias of data/gazetteer: the three agree on which spellings are one name,
and a gazetteer alias leads the extractor and the linker (on a real database) to the same record.
"""
from __future__ import annotations

import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kb.store import linking
from kb.models import Alias, Entity
from kb.nlp import mentions, names
from kb.text.keys import name_key

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "data" / "gazetteer"
FILES = {"model": "models.jsonl", "org": "orgs.jsonl", "benchmark": "benchmarks.jsonl", "person": "people.jsonl"}


def _builder():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(kind: str) -> list[dict]:
    lines = (GAZ / FILES[kind]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _spellings(kind: str) -> list[str]:
    return [s for row in _rows(kind) for s in [row["name"], *(row.get("aliases") or [])]]


def test_the_key_ignores_spelling_but_keeps_versions():
    assert name_key("Zephyr 3") == name_key("Zephyr-3") == name_key("zephyr3") == name_key(" ZEPHYR\u20113 ")
    assert name_key("Vela Opal 4.6") != name_key("Vela Opal 4.5") != name_key("Vela Opal 46")
    assert name_key("Quill\u2019s Test") == name_key("Quills test")
    assert name_key("Tidewater Labs, Inc.", "org") == name_key("Tidewater Labs", "org") == "tidewaterlabs"
    assert name_key("Tidewater Labs, Inc.") != name_key("Tidewater Labs")  # legal forms only for organisations
    assert name_key("Kite Co., Ltd.", "org") == name_key("Kite", "org")
    assert name_key("Cobalt", "org") == "cobalt"  # a name that merely ends in "co" keeps it
    assert name_key("\uff2e\uff49\uff4d\uff42\uff55\uff53 2") == name_key("Nimbus 2")  # full-width letters
    assert name_key("Nimbus\x00 2") == name_key("Nimbus 2") and name_key(None) == ""
    assert len(name_key("x" * 900)) == 255


@pytest.mark.parametrize("kind", sorted(FILES))
def test_extractor_linker_and_builder_use_one_key_on_every_alias(kind):
    builder = _builder()
    seen_by = defaultdict(set)
    for spelling in _spellings(kind):
        k = "org" if kind == "org" else None
        key = name_key(spelling, k)
        assert linking.name_key(spelling, kind) == key, spelling
        assert builder.name_key(spelling, k) == key, spelling
        if kind == "model":
            assert names.name_key(spelling) == key, spelling
            # one spelling per model within a document is chosen by the same key
            first, _ = mentions._canonical_model(spelling, {})
            assert mentions._canonical_model(spelling.upper().replace(" ", "-"), {key: first})[0] == first
        seen_by[key].add(spelling)
    assert seen_by  # the file is not empty


@pytest.mark.parametrize("kind", sorted(FILES))
def test_the_builder_merged_every_spelling_it_keys_alike(kind):
    """No two records of the gazetteer have names with one key: the builder merged them."""
    k = "org" if kind == "org" else None
    owners = defaultdict(list)
    for row in _rows(kind):
        owners[name_key(row["name"], k)].append(row["name"])
    assert {key: n for key, n in owners.items() if len(n) > 1} == {}


def _extractor_record(kind: str, spelling: str):
    g = names.gazetteer()
    if kind == "model":
        return (g.model_index.get(name_key(spelling)) or {}).get("name")
    if kind == "org":
        return (g.org_index.get(name_key(spelling, "org")) or {}).get("name")
    if kind == "benchmark":
        return g.bench_index.get(name_key(spelling))
    return (g.person_index.get(name_key(spelling)) or {}).get("name")


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_every_alias_leads_extractor_and_linker_to_the_same_record(engine):
    """Seed the real gazetteer, then look every spelling up both ways: the linker's entity is named as
    the extractor's record, except where a spelling names two records and each keeps its first."""
    with Session(engine) as session:
        linking.seed_gazetteer(session)
        session.commit()
        by_key = {(e.kind, e.key): e.name for e in session.exec(select(Entity))}
        ids = {e.id: e.name for e in session.exec(select(Entity))}
        for a in session.exec(select(Alias)):
            by_key.setdefault((a.kind, a.key), ids[a.entity_id])
    disagree = []
    for kind in FILES:
        for spelling in _spellings(kind):
            ours = _extractor_record(kind, spelling)
            theirs = by_key.get((kind, linking.name_key(spelling, kind)))
            if ours != theirs:
                disagree.append((kind, spelling, ours, theirs))
    assert disagree == []


def test_spelling_tells_a_name_as_written_from_another_writing_of_it():
    from kb.text.keys import spelling

    assert spelling("Vela Opal-4.6") == spelling("vela opal 4.6") == spelling("VELA_OPAL\u20114.6")
    assert spelling("Vela Opal4.6") != spelling("Vela Opal 4.6")
    assert name_key("Vela Opal4.6") == name_key("Vela Opal 4.6")  # one name, two writings


def test_the_extractor_reports_a_known_model_as_the_text_writes_it():
    """A gazetteer model written with a separator left out is the same entity for the linker, but the
    extractor keeps the text's writing (names are reported as written); a mere case or hyphen change
    gives the gazetteer's spelling."""
    rows = _rows("model")
    taken = {name_key(s) for r in rows for s in [r["name"], *(r.get("aliases") or [])]
             if " " not in s and "-" not in s}
    rec = next(r for r in rows if re.fullmatch(r"[A-Z][a-z]+ \d+(?:\.\d+)?", r["name"])
               and name_key(r["name"]) not in taken and names.resolve_model_name(r["name"]) == r["name"])
    glued = rec["name"].replace(" ", "")
    assert names.resolve_model_name(rec["name"].upper().replace(" ", "-")) == rec["name"]
    assert names.resolve_model_name(glued) in (None, glued)
    assert names.org_of_model(glued) == rec["org"]  # still the same model for its maker
