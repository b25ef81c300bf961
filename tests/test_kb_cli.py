"""The knowledge-base commands on both databases, and analysts' merge/split of entities."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from kb.read import pages, search
from kb.store.claims import store_extraction
from kb.cli import cli
from kb.store.entities import merge_entities, split_name
from kb.errors import InputError
from kb.read.lookup import resolve
from kb.nlp.records import ModelMention, PersonRole, StanceEvent as Stance
from kb_helpers import add_article, extraction, score


@pytest.fixture
def filled(engine, db_url):
    with Session(engine) as s:
        a1 = add_article(s, "n1", outlet="Circuit Ledger", published="2026-01-12",
                         title="Brightwater ships Tern 3 with a stronger reasoning score")
        store_extraction(s, a1, extraction(
            score("Tern 3", "VistaReason", 74.5, "Tern 3 reached 74.5 on VistaReason, Brightwater said.",
                  reported_by="Brightwater", reporter_kind="vendor"),
            score("Tern3 Turbo", "VistaReason", 71.0, "The Turbo variant, Tern3 Turbo, managed 71.0."),
            models=(ModelMention("Tern 3", org="Brightwater", focal=True),),
            stances=(Stance("Brightwater", "Tern 3", "closed", evidence="Tern 3 stays behind an API."),),
            people=(PersonRole("Maren Oduya", "Brightwater", "research director"),)), extractor_version="t1")
        a2 = add_article(s, "n2", outlet="Bench Notes", published="2026-02-03", title="Re-testing Tern 3")
        store_extraction(s, a2, extraction(
            score("Tern-3 Turbo", "VistaReason", 71.0, "Our rerun of Tern-3 Turbo gave 71.0 on VistaReason."),
            score("Tern 3", "VistaReason", 73.9, "Tern 3 came in at 73.9 in our own VistaReason run.",
                  reported_by="Bench Notes", reporter_kind="outlet")), extractor_version="t1")
        s.commit()
    return db_url


def run(db_url, *args):
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return result


def test_query_commands(filled):
    out = run(filled, "search", "VistaReason", "--format", "json")
    assert out.exit_code == 0
    hits = json.loads(out.output)
    assert {h["value"] for h in hits} == {74.5, 71.0, 73.9}
    board = json.loads(run(filled, "leaderboard", "VistaReason", "--format", "json").output)
    assert [(r["model"], r["value"]) for r in board][:1] == [("Tern 3", 74.5)]
    assert "Tern 3" in run(filled, "leaderboard", "vistareason").output
    assert "74.5" in run(filled, "disagreements", "--benchmark", "VistaReason").output
    timeline = run(filled, "timeline", "Brightwater", "--format", "json")
    assert [e["stance"] for e in json.loads(timeline.output) if e["origin"] == "news"] == ["closed"]
    assert "research director" in run(filled, "person", "Maren Oduya").output
    assert "VistaReason" in run(filled, "model", "tern-3").output
    exported = run(filled, "export", "claims", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 4 and {r["outlet"] for r in rows} == {"Circuit Ledger", "Bench Notes"}
    stances = json.loads(run(filled, "export", "stances", "--format", "json").output)
    assert any(s["origin"] == "news" and s["model"] == "Tern 3" for s in stances)
    missing = CliRunner().invoke(cli, ["--db", filled, "leaderboard", "Nope Bench"])
    assert missing.exit_code != 0 and "no benchmark named" in missing.output
    bad = CliRunner().invoke(cli, ["--db", filled, "search", "x", "--since", "2026-05-01", "--until", "2026-01-01"])
    assert bad.exit_code != 0 and "after" in bad.output


def test_merge_collapses_identical_claims_and_split_detaches(filled, engine):
    with Session(engine) as s:
        turbo = search.search_claims(s, model="Tern3 Turbo")
        assert [h.corroboration for h in turbo] == [2]  # "Tern3 Turbo" and "Tern-3 Turbo" were one already
        result = merge_entities(s, "Tern3 Turbo", "Tern 3", kind="model")
        s.commit()
        assert result.claims_moved == 1 and result.claims_collapsed == 0
        assert resolve(s, "model", "Tern-3 Turbo").name == "Tern 3"
        # now "Tern 3" has 74.5, 73.9 and 71.0; an identical claim would have collapsed into one
        assert sorted(h.value for h in search.search_claims(s, model="Tern 3")) == [71.0, 73.9, 74.5]
        with pytest.raises(InputError):
            merge_entities(s, "Tern 3", "Tern3 Turbo")  # already the same entity
        entity = split_name(s, "Tern3 Turbo", kind="model")
        s.commit()
        assert entity.merged_into_id is None and resolve(s, "model", "Tern3 Turbo").id == entity.id
    out = run(filled, "entities", "list", "--kind", "model", "--query", "tern", "--format", "json")
    assert {e["name"] for e in json.loads(out.output)} >= {"Tern 3", "Tern3 Turbo"}


def test_merge_joins_the_same_claim_from_two_spellings(engine):
    with Session(engine) as s:
        for slug, outlet, name in (("m1", "Outlet A", "Skiff 2"), ("m2", "Outlet B", "Skiff II")):
            article = add_article(s, slug, outlet=outlet, published="2026-03-0" + slug[-1])
            store_extraction(s, article, extraction(score(name, "HarborQA", 55.5, f"{name} scored 55.5 on HarborQA.")),
                             extractor_version="t1")
        s.commit()
        assert len(search.search_claims(s, benchmark="HarborQA")) == 2  # not merged blindly
        result = merge_entities(s, "Skiff II", "Skiff 2")
        s.commit()
        assert result.claims_collapsed == 1
        (hit,) = search.search_claims(s, benchmark="HarborQA")
        assert (hit.model, hit.corroboration, len(hit.sources)) == ("Skiff 2", 2, 2)
        assert pages.model_page(s, "Skiff II").aliases == ("Skiff II",)


def test_the_command_registry_names_every_command_of_every_module():
    """kb.cli loads a command's module only when it runs, so COMMANDS must name each module's commands."""
    from kb.cli import COMMANDS, module_commands

    for module in sorted(set(COMMANDS.values())):
        assert set(module_commands(module)) == {name for name, m in COMMANDS.items() if m == module}, module
    assert set(cli.list_commands(None)) == set(COMMANDS)
