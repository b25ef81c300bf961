"""A store learns the gazetteer and reference data a newer release ships (kbmeta fingerprints, 0008).

Real SQLite and PostgreSQL; the gazetteers are small files written here, the extractions hand-made.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, event, inspect, text
from sqlmodel import Session, func, select

from kb.db import MIGRATIONS_DIR, head_revisions, migrate, open_engine, stored_revisions
from kb.models import Alias, Entity, KbMeta, StanceEvent
from kb.nlp.records import ModelMention
from kb.read.lookup import resolve
from kb.store import linking, reference
from kb.store.claims import store_extraction
from kb.store.meta import get_meta
from kb.text.keys import name_key
from kb_helpers import add_article, extraction

ORG_A = {"name": "Quillon Labs", "aliases": ["Quillon"]}
MODEL_A = {"name": "Quill-2 Max", "org": "Quillon Labs", "family": "Quill", "aliases": ["Quill Two Max"]}


def write_gazetteer(directory: Path, orgs: list[dict], models: list[dict]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (("orgs.jsonl", orgs), ("models.jsonl", models)):
        (directory / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return directory


@pytest.fixture
def gazetteers(tmp_path, monkeypatch):
    """Gazetteer A (in use) and B (A plus new aliases and a model); a small reference file."""
    a = write_gazetteer(tmp_path / "gaz-a", [ORG_A], [MODEL_A])
    b = write_gazetteer(tmp_path / "gaz-b", [{**ORG_A, "aliases": ["Quillon", "QuillonAI"]}],
                        [{**MODEL_A, "aliases": ["Quill Two Max", "QM2"]},
                         {"name": "Quill-2 Mini", "org": "QuillonAI", "family": "Quill"}])
    ref = tmp_path / "stances.jsonl"
    ref.write_text(json.dumps({"org": "Quillon Labs", "model": "Quill-2 Max", "stance": "open",
                               "date": "2025-05-01", "source": "test", "license": "apache-2.0"}) + "\n")
    monkeypatch.setattr(linking, "GAZETTEER_DIR", a)
    monkeypatch.setattr(reference, "REFERENCE_FILE", ref)
    return a, b, ref


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        yield s


def store(session, slug: str, *mentions: ModelMention):
    article = add_article(session, slug, outlet="Seed Desk")
    result = store_extraction(session, article, extraction(models=mentions), extractor_version="t1")
    session.commit()
    return result


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_newer_gazetteer_reaches_an_existing_store(session, gazetteers, monkeypatch):
    a, b, _ = gazetteers
    store(session, "one", ModelMention("Quill-2 Max", org="Quillon Labs"))
    quill = resolve(session, "model", "Quill-2 Max")
    assert quill is not None and quill.origin == "gazetteer"
    assert resolve(session, "model", "QM2") is None  # A does not know the new alias
    stamp_a = get_meta(session, "gazetteer")
    assert stamp_a == linking.gazetteer_fingerprint(a)

    monkeypatch.setattr(linking, "GAZETTEER_DIR", b)  # the release ships gazetteer B
    result = store(session, "two", ModelMention("QM2", org="QuillonAI"), ModelMention("Quill-3 Nano", org="QuillonAI"))
    # the new aliases name the existing entities: no duplicate model nor organization
    assert resolve(session, "model", "QM2").id == quill.id
    assert resolve(session, "org", "QuillonAI").id == quill.org_id
    assert count(session, Entity) == 4  # Quillon Labs, Quill-2 Max, Quill-2 Mini (B's new model), Quill-3 Nano
    mini = resolve(session, "model", "Quill-2 Mini")
    assert mini.origin == "gazetteer" and mini.org_id == quill.org_id
    # a name B does not know is still a new entity (the negative case), the alias is not
    nano = resolve(session, "model", "Quill-3 Nano")
    assert result.new_entity_ids == [nano.id] and nano.origin == "news"
    assert get_meta(session, "gazetteer") == linking.gazetteer_fingerprint(b) != stamp_a


def test_an_unchanged_gazetteer_is_one_query_and_no_seed(session, engine, gazetteers):
    store(session, "one", ModelMention("Quill-2 Max"))
    before = session.get(KbMeta, "gazetteer")
    assert before is not None
    stamp, stamped_at = before.value, before.updated_at
    # an alias removed by hand is not put back while the gazetteer is unchanged: there was no seed
    session.exec(delete(Alias).where(Alias.key == name_key("Quill Two Max")))
    session.commit()
    assert resolve(session, "model", "Quill Two Max") is None
    session.expire_all()

    statements: list[str] = []

    def note(_conn, _cursor, sql, *_args) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert linking.ensure_gazetteer(session) == 0
        assert reference.ensure_reference(session) == 0
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len([s for s in statements if "kbmeta" in s]) == 2 and len(statements) <= 3  # (+ BEGIN on some drivers)
    store(session, "two", ModelMention("Quill-2 Max"))
    session.expire_all()
    after = session.get(KbMeta, "gazetteer")
    assert (after.value, after.updated_at) == (stamp, stamped_at)
    assert resolve(session, "model", "Quill Two Max") is None
    # `aikb entities seed` forces the seed: the alias is back
    assert linking.ensure_gazetteer(session, force=True) == 0
    session.commit()
    assert resolve(session, "model", "Quill Two Max") is not None


def test_a_newer_reference_file_is_loaded_once(session, gazetteers):
    _, _, ref = gazetteers
    store(session, "one")
    assert count(session, StanceEvent) == 1
    with ref.open("a") as out:  # the release adds one row
        out.write(json.dumps({"org": "Quillon Labs", "model": "Quill-2 Mini", "stance": "closed",
                              "date": "2025-09-01", "source": "test"}) + "\n")
    store(session, "two")
    assert count(session, StanceEvent) == 2
    assert get_meta(session, "reference") == reference.reference_fingerprint(ref)
    store(session, "three")
    assert count(session, StanceEvent) == 2


def test_the_fingerprint_follows_the_bytes(tmp_path):
    one = write_gazetteer(tmp_path / "one", [ORG_A], [MODEL_A])
    two = write_gazetteer(tmp_path / "two", [ORG_A], [MODEL_A])
    assert linking.gazetteer_fingerprint(one) == linking.gazetteer_fingerprint(two)  # same bytes, same print
    write_gazetteer(two, [ORG_A], [{**MODEL_A, "aliases": []}])
    assert linking.gazetteer_fingerprint(one) != linking.gazetteer_fingerprint(two)
    # a missing file is a state of its own, not an error
    assert linking.gazetteer_fingerprint(tmp_path / "none") != linking.gazetteer_fingerprint(one)


def test_two_workers_seeding_a_changed_gazetteer_at_once_both_succeed(db_url, gazetteers, monkeypatch):
    _, b, _ = gazetteers
    monkeypatch.setattr(linking, "GAZETTEER_DIR", b)
    engine = open_engine(db_url)
    errors: list[BaseException] = []
    first = Session(engine)
    assert linking.ensure_gazetteer(first) == 3  # seeded, not committed: its rows hold the unique keys

    def second() -> None:
        try:
            with Session(engine) as s:  # waits on the first writer's keys, then retries and finds them
                linking.ensure_gazetteer(s)
                s.commit()
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)
    first.commit()
    first.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and errors == []
    with Session(engine) as s:
        assert count(s, Entity) == 3 and count(s, Alias) == 4
        assert get_meta(s, "gazetteer") == linking.gazetteer_fingerprint(b)


def alembic_config(engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection_engine"] = engine
    return cfg


def test_upgrade_from_0007_on_a_populated_store(db_url, gazetteers):
    a, _, _ = gazetteers
    engine = open_engine(db_url)
    command.downgrade(alembic_config(engine), "0007")
    assert stored_revisions(engine) == frozenset({"0007"}) and "kbmeta" not in inspect(engine).get_table_names()
    with engine.begin() as conn:  # a store seeded by a release before 0008, plus a news entity
        conn.execute(text("INSERT INTO entity (kind, name, key, origin, created_at) VALUES "
                          "('org', 'Quillon Labs', 'quillonlabs', 'gazetteer', CURRENT_TIMESTAMP), "
                          "('model', 'Quill-2 Max', 'quill2max', 'gazetteer', CURRENT_TIMESTAMP), "
                          "('model', 'Sable 9', 'sable9', 'news', CURRENT_TIMESTAMP)"))
    migrate(engine)
    assert stored_revisions(engine) == head_revisions()
    with Session(engine) as session:
        assert count(session, KbMeta) == 0 and count(session, Entity) == 3
        store(session, "after-upgrade", ModelMention("Quill Two Max"), ModelMention("Sable 9"))
        # the first extraction after the upgrade seeds again: the alias joins the old entity, no duplicate
        assert count(session, Entity) == 3
        assert resolve(session, "model", "Quill Two Max").name == "Quill-2 Max"
        assert resolve(session, "model", "Quill-2 Max").family == "Quill"
        assert get_meta(session, "gazetteer") == linking.gazetteer_fingerprint(a)


def test_entities_seed_command_loads_and_records(db_url, gazetteers, monkeypatch):
    from click.testing import CliRunner

    from kb.cli import cli

    a, b, _ = gazetteers
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db_url, "entities", "seed"])
    assert first.exit_code == 0, first.output
    assert "2 new entities from the gazetteer, 1 new reference stance events" in first.output
    again = runner.invoke(cli, ["--db", db_url, "entities", "seed"])
    assert "0 new entities from the gazetteer, 0 new reference stance events" in again.output
    monkeypatch.setattr(linking, "GAZETTEER_DIR", b)
    newer = runner.invoke(cli, ["--db", db_url, "entities", "seed"])
    assert "1 new entities from the gazetteer" in newer.output  # B's new model
    with Session(open_engine(db_url)) as session:
        assert get_meta(session, "gazetteer") == linking.gazetteer_fingerprint(b)
        assert resolve(session, "org", "QuillonAI").name == "Quillon Labs"
