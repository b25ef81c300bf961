"""kb/read/core_tables.py describes the tables of kb.models (a subset of their columns) without SQLModel:
the two must agree, column by column, or search would read a column the store no longer has."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text, select
from sqlmodel import SQLModel

import kb.models  # noqa: F401  (registers every table in SQLModel.metadata)
from kb.read import core_tables

FAMILIES = (Boolean, Float, Integer, Text, String, DateTime)  # Text before String: Text is a String


def family(type_) -> tuple:
    """What a column type is, as far as reading it goes: its SQL family, length, time zone and Python result."""
    impl = getattr(type_, "impl", type_)  # TypeDecorators (SQLModel's AutoString, UTCDateTime)
    kind = next(f for f in FAMILIES if isinstance(impl, f))
    return (kind.__name__, getattr(impl, "length", None), getattr(impl, "timezone", None),
            type(type_).__name__ if kind is DateTime else None)


def described(table, names=None) -> dict:
    return {c.name: (family(c.type), c.nullable, c.primary_key) for c in table.columns
            if names is None or c.name in names}


@pytest.mark.parametrize("name", sorted(core_tables.metadata.tables))
def test_core_table_matches_the_model(name):
    """Same table name, and every column search reads exists in kb.models with the same type, nullability
    and key."""
    assert name in SQLModel.metadata.tables, f"kb.models has no table {name}"
    core = described(core_tables.metadata.tables[name])
    model = described(SQLModel.metadata.tables[name], set(core))
    missing = sorted(set(core) - set(model))
    assert not missing, f"{name}: kb.models has no column {missing}"
    assert {c: model[c] for c in core} == core


def test_the_comparison_catches_a_drifted_column():
    """A column typed differently from kb.models (or missing there) shows in what the test compares."""
    from sqlalchemy import Column, MetaData, Table

    drifted = Table("scoreclaim", MetaData(), Column("id", Integer, primary_key=True),
                    Column("value", String, nullable=False), Column("score", Float))
    core = described(drifted)
    model = described(SQLModel.metadata.tables["scoreclaim"], set(core))
    assert core["value"] != model["value"]
    assert "score" not in model


def test_utc_datetime_reads_and_binds_as_sqlmodels():
    """The copy of SQLModel's UTCDateTime behaves as the original on what search does with it."""
    from sqlmodel.sql.sqltypes import UTCDateTime as Original

    ours, theirs = core_tables.UTCDateTime(), Original()
    paris = timezone(timedelta(hours=1))
    for value in (datetime(2026, 3, 1, 12, tzinfo=paris), datetime(2026, 3, 1, 12), None):
        assert ours.process_result_value(value, None) == theirs.process_result_value(value, None)
    aware = datetime(2026, 3, 1, 12, tzinfo=paris)
    assert ours.process_bind_param(aware, None) == theirs.process_bind_param(aware, None)
    assert ours.process_bind_param(aware, None).tzinfo == timezone.utc
    with pytest.raises(ValueError):
        ours.process_bind_param(datetime(2026, 3, 1, 12), None)  # naive: refused, as SQLModel does


def test_a_core_table_reads_the_migrated_store(engine):
    """The tables are queryable against a store created by the migrations (SQLite and PostgreSQL)."""
    with engine.connect() as conn:
        for table in core_tables.metadata.tables.values():
            assert conn.execute(select(*table.columns).limit(1)).all() == []


def test_search_path_loads_no_sqlmodel():
    """What `aikb search` imports: kb.read.search and the CLI's search command, without SQLModel, pydantic,
    the ORM or kb.models (start-up time, issue 14)."""
    code = ("import sys, kb.read.search, kb.read.stance_facet, kb.cli.query_cmds; "
            "print(sorted(m for m in ('sqlmodel', 'pydantic', 'sqlalchemy.orm', 'kb.models') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
