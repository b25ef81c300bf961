"""The analyst's workbench (issue 14): charts that do not mislead, compare, frontier, filters, reader.

AppTest over a store built by the real writer (tests/_workbench_fixtures.py), plus the chart builders'
encodings checked on their Vega-Lite specs (what a chart says, not its pixels).
"""
from __future__ import annotations

import json

import pytest

from tests._workbench_fixtures import fill_workbench_store
from tests.test_ui_pages import open_page, shown, unescape


@pytest.fixture(scope="module")
def wb_url(tmp_path_factory) -> str:
    return fill_workbench_store(f"sqlite:///{tmp_path_factory.mktemp('wb') / 'aikb.sqlite3'}")


def chart_specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def layers_of(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark_of(layer: dict) -> dict:
    mark = layer["mark"]
    return mark if isinstance(mark, dict) else {"type": mark}


# ---------------------------------------------------------------------------------------------
# Openness timeline
# ---------------------------------------------------------------------------------------------


def test_timeline_draws_planned_events_hollow_dashed_and_under_actual_ones(wb_url, monkeypatch):
    at = open_page(wb_url, "timeline", monkeypatch, org="Brightline Labs")
    events = at.dataframe[0].value
    assert sorted(zip(events["model"], events["planned"])) == [("Brightline 5", False), ("Brightline 6", True)]
    spec = chart_specs(at)[0]
    layers = layers_of(spec)
    planned = [ly for ly in layers if "planned" in json.dumps(ly.get("transform", []))]
    assert len(planned) == 2, "one layer for planned events, one for the rest"
    first, second = planned
    # the planned layer comes first (drawn underneath) and is hollow, dashed and set off its row's line
    assert "!" not in json.dumps(first["transform"]) and "!" in json.dumps(second["transform"])
    mark = mark_of(first)
    assert mark["filled"] is False and mark["strokeDash"] and mark["yOffset"] > 0
    assert "fill" not in first.get("encoding", {})
    # both events of that day are drawn: the planned open mark does not replace the actual closed one
    assert "No organization changed its stance" in shown(at)  # a plan is no shift


def test_timeline_has_no_unknown_row_and_puts_unknown_orgs_last_by_model(wb_url, monkeypatch):
    at = open_page(wb_url, "timeline", monkeypatch)
    spec = chart_specs(at)[0]
    order = layers_of(spec)[0]["encoding"]["y"]["sort"] if "encoding" in layers_of(spec)[0] else spec["encoding"]["y"]["sort"]
    assert "(unknown)" not in json.dumps(spec)
    assert "Kite-VL 7B (org unknown)" in order
    known = [r for r in order if not r.endswith("(org unknown)")]
    assert order[:len(known)] == known, "unknown-org rows come after every organization"
    options = at.multiselect(key="org").options
    assert "Kite-VL 7B (org unknown)" in options and "(unknown)" not in options


def test_timeline_layers_toggle_and_shifts_are_counted_by_the_new_rule(wb_url, monkeypatch):
    at = open_page(wb_url, "timeline", monkeypatch, org="Meta")
    text = shown(at)
    assert ":red-badge[open → closed] **Meta** (Hyperion) on 2026-01-15" in text
    assert set(at.dataframe[0].value["origin"]) == {"news", "reference"}
    at.toggle(key="layer_reference").set_value(False).run()
    assert not at.exception
    assert set(at.dataframe[0].value["origin"]) == {"news"}
    at.toggle(key="layer_news").set_value(False).run()
    assert "turn on the news or the reference layer" in shown(at)
    at.toggle(key="layer_reference").set_value(True).run()
    assert set(at.dataframe[0].value["origin"]) == {"reference"}


def test_every_shift_on_the_page_is_one_of_few(wb_url, monkeypatch):
    # The reference data alone (hundreds of orgs, open and closed lines side by side) used to make
    # dozens of "shifts"; with the family rule only real changes of course remain.
    at = open_page(wb_url, "timeline", monkeypatch)
    heading = next(h.value for h in at.subheader if h.value.startswith("Shifts"))
    count = int(heading.split("(")[1].rstrip(")"))
    assert 1 <= count <= 20, heading
    assert unescape(heading)
