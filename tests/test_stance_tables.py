"""Stances a table states beyond a licence column: download tables (one event per released model, not per
checkpoint row) and a stance tag written into a model's header."""
from __future__ import annotations

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def table_stances(nlp, text: str, tables: list[str]) -> set:
    ex = extract(nlp, CleanDocument(title="Notes", text=text, tables=tables))
    return {(s.model, s.stance) for s in ex.stances}


def _download_table(rows: list[tuple[str, str]], context: str = "Downloads") -> str:
    body = "".join(f"<tr><td>{m}</td><td>{c}</td><td>BF16</td></tr>" for m, c in rows)
    return (f'<table data-aikb-context="{context}"><tr><th>Model</th><th>Download</th><th>Precision</th></tr>'
            f"{body}</table>")


def test_download_rows_are_open_one_event_per_released_model(nlp):
    text = ("Pellucid Labs introduces Brindle-3.1 and Brindle-3.1-Lite, two reasoning models. Brindle-3.1 "
            "leads its class on long documents.\n\nThe checkpoints are listed below.")
    table = _download_table([("Brindle-3.1", "Hugging Face | ModelScope"), ("Brindle-3.1-FP8", "Hugging Face"),
                             ("Brindle-3.1-Lite", "Hugging Face"), ("Brindle-3.1-Lite-Base", "Hugging Face")])
    # a precision or training-stage checkpoint is the model it belongs to, not a model of its own
    assert table_stances(nlp, text, [table]) == {("Brindle-3.1", "open"), ("Brindle-3.1-Lite", "open")}


def test_download_rows_in_several_sizes_are_their_series(nlp):
    text = "The Corran2 series comes in 2B and 9B sizes, each with a chat version. A lone Tessel-7B-Instruct ships too."
    series = _download_table([("Corran2-2B", "\U0001F917 corran2-2b"), ("Corran2-2B-Chat", "\U0001F917 corran2-2b-chat"),
                              ("Corran2-9B", "\U0001F917 corran2-9b"), ("Corran2-9B-Chat", "\U0001F917 corran2-9b-chat")])
    lone = _download_table([("Tessel-7B-Instruct", "\U0001F917 tessel")])
    assert table_stances(nlp, text, [series, lone]) == {("Corran2", "open"), ("Tessel-7B-Instruct", "open")}


def test_a_heading_naming_the_series_collects_its_checkpoints(nlp):
    text = "We distilled Harrow-R2 into smaller dense models.\n\nHarrow-R2-Mini Models\n\nSee the table."
    table = _download_table([("Harrow-R2-Mini-Tern-7B", "Hugging Face"), ("Harrow-R2-Mini-Wren-8B", "Hugging Face")],
                            context="Harrow-R2-Mini Models")
    assert ("Harrow-R2-Mini", "open") in table_stances(nlp, text, [table])


def test_tables_without_a_download_offer_state_no_stance(nlp):
    text = "We compared Brindle-3.1 and Quarrel-5 on long documents."
    scores = ("<table><tr><th>Model</th><th>MMLU</th><th>Hub downloads (millions)</th></tr>"
              "<tr><td>Brindle-3.1</td><td>80.1</td><td>1.2</td></tr>"
              "<tr><td>Quarrel-5</td><td>85.0</td><td>3.4</td></tr></table>")
    soon = _download_table([("Brindle-3.1", "coming soon"), ("Quarrel-5", "TBD")])
    assert table_stances(nlp, text, [scores, soon]) == set()


def test_stance_tag_in_a_model_header(nlp):
    text = "We compared Brindle-3.1 with Quarrel-5 and Sorrel-2 on reasoning."
    table = ("<table><tr><th>Benchmark</th><th>Brindle-3.1</th><th>Quarrel-5 (closed source)</th>"
             "<th>Sorrel-2 (preview)</th></tr><tr><td>MMLU</td><td>80.1</td><td>85.0</td><td>83.0</td></tr></table>")
    assert table_stances(nlp, text, [table]) == {("Quarrel-5", "closed")}


def test_a_row_label_with_a_setting_still_names_its_model(nlp):
    text = "We compared Brindle-3.1 and Quarrel-5 on reasoning."
    table = ("<table><tr><th>Model</th><th>Open weights</th><th>MMLU</th></tr>"
             "<tr><td>Brindle-3.1 (16-shots)</td><td>\u2705</td><td>80.1</td></tr>"
             "<tr><td>Quarrel-5</td><td>\u274c</td><td>85.0</td></tr></table>")
    assert table_stances(nlp, text, [table]) == {("Brindle-3.1", "open"), ("Quarrel-5", "closed")}
