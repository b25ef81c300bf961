"""The analyst's workbench (issue 14): charts that do not mislead, compare, frontier, filters, reader.

AppTest over a store built by the real writer (tests/_workbench_fixtures.py), plus the chart builders'
encodings checked on their Vega-Lite specs (what a chart says, not its pixels).
"""
from __future__ import annotations

import json
import re

import pytest

from tests._workbench_fixtures import fill_workbench_store
from tests.test_ui_pages import open_page, shown, unescape


@pytest.fixture(scope="module")
def wb_url(tmp_path_factory) -> str:
    return fill_workbench_store(f"sqlite:///{tmp_path_factory.mktemp('wb') / 'aikb.sqlite3'}")


def chart_specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def chart_data(element) -> list[dict]:
    """The rows a chart element draws (Streamlit sends them apart from the spec, as Arrow tables)."""
    import pyarrow as pa

    rows = []
    for dataset in element.proto.datasets:
        rows.extend(pa.ipc.open_stream(dataset.data.data).read_all().to_pylist())
    if not rows and element.proto.data.data:
        rows = pa.ipc.open_stream(element.proto.data.data).read_all().to_pylist()
    return rows


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


# ---------------------------------------------------------------------------------------------
# Model page: a readable table and one bar per benchmark
# ---------------------------------------------------------------------------------------------


def bar_lengths(spec: dict, rows: list[dict], width: float) -> dict[str, float]:
    """Where the chart's encoding puts each bar's end: a linear x scale from zero to the largest value.

    Follows the spec rather than assuming it: fails if the bars stop starting at zero, stop sharing one
    axis, or stop encoding the value on x.
    """
    bars = next(ly for ly in layers_of(spec) if mark_of(ly)["type"] == "bar")
    enc = {**spec.get("encoding", {}), **bars.get("encoding", {})}
    assert enc["x"]["field"] == "value" and enc["x"]["type"] == "quantitative"
    assert enc["x"].get("scale", {}).get("zero", True) is True and "domain" not in enc["x"].get("scale", {})
    assert enc["y"]["field"] == "benchmark" and enc["y"]["type"] == "nominal"
    assert "facet" not in spec and "resolve" not in spec  # one shared axis for every bar of the chart
    top = max(r["value"] for r in rows)
    return {r["benchmark"]: width * r["value"] / top for r in rows}


def test_model_chart_gives_each_benchmark_a_bar_and_spreads_values_apart():
    from ui.charts import best_by_benchmark, scores_bar_chart
    import pandas as pd

    frame = pd.DataFrame([
        {"benchmark": "GPQA Diamond", "value": 52.0, "unit": "%", "setting": ""},
        {"benchmark": "MMLU-Pro", "value": 86.4, "unit": "%", "setting": ""},
        {"benchmark": "MMLU-Pro", "value": 80.1, "unit": "%", "setting": "5-shot"},
        {"benchmark": "LMArena", "value": 1402.0, "unit": "Elo", "setting": ""},
    ])
    best = best_by_benchmark(frame)
    assert sorted(zip(best["benchmark"], best["value"])) == [
        ("GPQA Diamond", 52.0), ("LMArena", 1402.0), ("MMLU-Pro", 86.4)]  # the best per benchmark
    spec = scores_bar_chart(best, "%").to_dict()
    rows = spec["datasets"][spec["data"]["name"]]  # what the chart draws
    lengths = bar_lengths(spec, rows, width=spec["width"])
    assert set(lengths) == {"GPQA Diamond", "MMLU-Pro"}  # the Elo value is not on the % axis
    assert lengths["MMLU-Pro"] - lengths["GPQA Diamond"] > 0.3 * spec["width"]
    bars = next(ly for ly in layers_of(spec) if mark_of(ly)["type"] == "bar")
    assert bars["encoding"]["y"]["sort"] == ["MMLU-Pro", "GPQA Diamond"]  # best first


def test_model_page_shows_a_bar_chart_per_unit_and_a_readable_score_table(wb_url, monkeypatch):
    at = open_page(wb_url, "model", monkeypatch, name="Fjordline 3")
    specs = chart_specs(at)
    assert len(specs) == 2  # GPQA Diamond in %, CharXiv Reasoning with no unit stated: two axes
    for spec in specs:
        assert any(mark_of(ly)["type"] == "bar" for ly in layers_of(spec))
    table = at.dataframe[-1].value
    assert list(table.columns[:6]) == ["benchmark", "value", "unit", "setting", "reporter", "reported by"]
    assert sorted(zip(table["benchmark"], table["value"], table["reporter"])) == [
        ("CharXiv Reasoning", 81.0, "vendor"), ("GPQA Diamond", 81.2, "independent"),
        ("GPQA Diamond", 83.0, "vendor")]
    assert set(table["source"]) == {"https://openweights.example/fjordline-3",
                                    "https://modelledger.example/evalhouse-gpqa-spring"}
    assert all(r.startswith("/reader?claim=") for r in table["read"])


# ---------------------------------------------------------------------------------------------
# Compare
# ---------------------------------------------------------------------------------------------


def matrix_of(at):
    return at.dataframe[0].value


def test_compare_models_shows_best_values_settings_reporters_and_openness(wb_url, monkeypatch):
    at = open_page(wb_url, "compare", monkeypatch)
    assert "Choose models" in shown(at)
    at.multiselect(key="models").set_value(["Aurora-2 Pro", "Fjordline 3", "Quillfeather 2"]).run()
    assert not at.exception
    matrix = matrix_of(at).set_index("model")
    assert {"CharXiv Reasoning", "GPQA Diamond"} <= set(matrix.columns)
    assert matrix.loc["Aurora-2 Pro", "CharXiv Reasoning"] == "86.4 (vendor)"  # best of 86.4 and 84.9
    assert matrix.loc["Aurora-2 Pro", "GPQA Diamond"] == "79.5% (with tools, vendor)"
    assert matrix.loc["Fjordline 3", "GPQA Diamond"] == "83% (vendor)"
    assert matrix.loc["Aurora-2 Pro", "openness"] == "closed"
    assert matrix.loc["Fjordline 3", "openness"] == "open"
    assert matrix.loc["Quillfeather 2", "openness"] == "unknown"
    cells = at.dataframe[1].value
    row = cells[(cells["model"] == "Fjordline 3") & (cells["benchmark"] == "GPQA Diamond")].iloc[0]
    assert row["source"] == "https://openweights.example/fjordline-3" and row["read"].startswith("/reader?claim=")
    assert "83.0% on GPQA Diamond" in row["evidence"]


def test_compare_independent_only_and_csv(wb_url, monkeypatch):
    at = open_page(wb_url, "compare", monkeypatch)
    at.multiselect(key="models").set_value(["Aurora-2 Pro", "Fjordline 3", "Llama 3.1"]).run()
    at.multiselect(key="benchmarks").set_value(["GPQA Diamond"]).run()
    at.radio(key="reporter").set_value("independent").run()
    assert not at.exception
    matrix = matrix_of(at).set_index("model")
    assert matrix["GPQA Diamond"].to_dict() == {"Aurora-2 Pro": "77% (independent)",
                                               "Fjordline 3": "81.2% (independent)",
                                               "Llama 3.1": "51% (independent)"}
    assert matrix.loc["Llama 3.1", "openness"] == "open"
    assert at.get("download_button"), "the CSV download is offered"


def test_compare_by_org_and_by_top_n(wb_url, monkeypatch):
    at = open_page(wb_url, "compare", monkeypatch)
    at.radio(key="pick").set_value("An organization").run()
    at.selectbox(key="cmp_org").set_value("Halcyon Research").run()
    assert not at.exception
    assert list(matrix_of(at)["model"]) == ["Aurora-2 Pro"]
    at.radio(key="pick").set_value("Top N on a benchmark").run()
    at.selectbox(key="top_bench").set_value("CharXiv Reasoning").run()
    at.number_input(key="top_n").set_value(2).run()
    assert not at.exception
    assert list(matrix_of(at)["model"]) == ["Aurora-2 Pro", "Brightline 5"]  # 86.4, then 81.0 (tie, earlier)


# ---------------------------------------------------------------------------------------------
# Benchmark page: filters, ties, sources, frontier
# ---------------------------------------------------------------------------------------------


def test_benchmark_board_shows_ties_sources_and_filters(wb_url, monkeypatch):
    at = open_page(wb_url, "benchmark", monkeypatch, bench="CharXiv Reasoning")
    board = at.dataframe[0].value
    assert list(zip(board["rank"], board["model"])) == [("1", "Aurora-2 Pro"), ("=2", "Brightline 5"),
                                                        ("=2", "Fjordline 3")]
    assert board["source"].iloc[0] == "https://signalwire.example/aurora-2-pro"
    assert all(r.startswith("/reader?claim=") for r in board["read"])
    at.radio(key="openness").set_value("open").run()
    assert list(at.dataframe[0].value["model"]) == ["Fjordline 3"]
    assert at.get("download_button")


def test_which_open_models_beat_the_best_closed_one_by_independent_evaluators(wb_url, monkeypatch):
    # the walkthrough's question, answered with the page's own filters
    at = open_page(wb_url, "benchmark", monkeypatch, bench="GPQA Diamond")
    at.radio(key="board_reporter").set_value("independent").run()
    at.radio(key="openness").set_value("closed").run()
    closed = at.dataframe[0].value
    assert list(zip(closed["model"], closed["value"])) == [("Aurora-2 Pro", 77.0)]
    at.radio(key="openness").set_value("open").run()
    opened = at.dataframe[0].value
    assert list(zip(opened["model"], opened["value"], opened["reporter"])) == [
        ("Fjordline 3", 81.2, "independent"), ("Llama 3.1", 51.0, "independent")]
    at.selectbox(key="board_setting").set_value("with tools").run()
    assert "No model passes these filters" in shown(at)


def test_frontier_chart_draws_open_and_closed_lines_with_linked_points(wb_url, monkeypatch):
    at = open_page(wb_url, "benchmark", monkeypatch, bench="CharXiv Reasoning")
    spec = next(s for s in chart_specs(at) if "step-after" in json.dumps(s))
    layers = layers_of(spec)
    enc = spec.get("encoding") or layers[0]["encoding"]
    assert enc["color"]["field"] == "openness" and enc["color"]["scale"]["domain"] == ["open", "closed"]
    points = next(ly for ly in layers if mark_of(ly)["type"] == "point")
    assert points["encoding"]["href"]["field"] == "href"
    data = chart_data(at.get("vega_lite_chart")[[json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
                                                .index(spec)])
    assert {(d["openness"], d["model"], d["value"]) for d in data} >= {("open", "Fjordline 3", 81.0),
                                                                       ("closed", "Aurora-2 Pro", 86.4)}
    assert all(d["href"].startswith("/reader?claim=") for d in data)
    # the disputes sit beside the chart
    assert any("Aurora-2 Pro: **86.4** vs **84.9**" in unescape(e.label) for e in at.expander)


# ---------------------------------------------------------------------------------------------
# Article reader, organization and person pages
# ---------------------------------------------------------------------------------------------


def claim_id_of(wb_url, model, bench, value) -> int:
    from sqlmodel import Session

    from kb.read.compare import compare
    from kb.db import open_engine

    with Session(open_engine(wb_url)) as session:
        for row in compare(session, [model], [bench]).rows:
            for cell in row.cells:
                if cell and cell.value == value:
                    return cell.claim_id
    raise AssertionError("claim not found")


def test_reader_highlights_claims_stances_and_people_and_links_them(wb_url, monkeypatch):
    claim = claim_id_of(wb_url, "Fjordline 3", "GPQA Diamond", 83.0)
    at = open_page(wb_url, "reader", monkeypatch, claim=str(claim))
    text = shown(at)
    assert "Fjord AI publishes Fjordline 3 weights" in text
    body = next(m.value for m in at.markdown if "background[" in m.value)
    # the claim sentence (bold: the claim we came from), the open stance and the person, each coloured
    assert ":orange-background[**Fjord AI says Fjordline 3 reaches 83\\.0% on GPQA Diamond" in body
    assert ":green-background[Fjord AI released Fjordline 3 with open weights" in body
    assert ":blue-background[Maren Solberg]" in body
    assert body.count(":orange-badge[") == 2  # the GPQA and the CharXiv claim share the sentence
    assert "← this claim" in text
    targets = {(link.proto.page.rsplit("/", 1)[-1], link.proto.query_string)
               for link in at.get("page_link")}
    assert {("org", "name=Fjord+AI"), ("person", "name=Maren+Solberg"), ("benchmark", "bench=GPQA+Diamond"),
            ("model", "name=Fjordline+3")} <= targets


def test_reader_shows_hostile_text_as_text(wb_url, monkeypatch):
    at = open_page(wb_url, "search", monkeypatch, q="Quillfeather")
    link = next(el for el in at.get("page_link") if "claim=" in el.proto.query_string)
    claim = link.proto.query_string.split("claim=")[1]
    at = open_page(wb_url, "reader", monkeypatch, claim=claim)
    raw = "\n".join(m.value for m in at.markdown)
    assert "<b>" not in raw and "](javascript" not in raw.replace("\\]\\(javascript", "")
    assert "\\<b\\>in a noisy run\\</b\\>" in raw
    assert "\\[see\\]\\(javascript" in raw


def test_reader_without_a_link_offers_articles_and_an_unknown_claim_is_explained(wb_url, monkeypatch):
    at = open_page(wb_url, "reader", monkeypatch)
    assert at.selectbox(key="reader_article").options
    at = open_page(wb_url, "reader", monkeypatch, claim="999999")
    assert "No such article or claim" in shown(at)
    at = open_page(wb_url, "reader", monkeypatch, claim="1; drop table")
    assert not at.exception


def test_org_page_shows_models_openness_last_shift_people_and_claims(wb_url, monkeypatch):
    at = open_page(wb_url, "org", monkeypatch, name="Meta")
    text = shown(at)
    assert "Last shift: **open → closed** on 2026-01-15 (Hyperion)" in text
    models = at.dataframe[0].value
    assert dict(zip(models["model"], models["openness"]))["Llama 3.1"] == "open"
    at = open_page(wb_url, "org", monkeypatch, name="Fjord AI")
    people = [df.value for df in at.dataframe if "person" in df.value.columns][0]
    assert list(people["person"]) == ["Maren Solberg"] and list(people["role"]) == ["head of research"]
    assert "**Fjordline 3** · GPQA Diamond" in unescape("\n".join(m.value for m in at.markdown))


def test_person_page_shows_roles_over_time(wb_url, monkeypatch):
    at = open_page(wb_url, "person", monkeypatch, name="Dana Whitfield")
    assert "Latest: **chief scientist** at **Halcyon Research**" in shown(at)
    roles = at.dataframe[0].value
    assert list(roles["org"]) == ["Halcyon Research"] and roles["read"].iloc[0].startswith("/reader?article=")


# ---------------------------------------------------------------------------------------------
# Search: prefixes, org names, count, sort, table, CSV, every source's sentence
# ---------------------------------------------------------------------------------------------


def headlines(at):
    return [unescape(m.value) for m in at.markdown if m.value.startswith("**") and " · " in m.value]


def test_search_finds_an_orgs_claims_and_prefixes_and_counts(wb_url, monkeypatch):
    at = open_page(wb_url, "search", monkeypatch, q="Meta")
    assert headlines(at) == ["**Llama 3.1** · GPQA Diamond · **51%**"]
    assert "Claims 1–1 of 1" in shown(at)
    at = open_page(wb_url, "search", monkeypatch, q="Char")
    assert "CharXiv Reasoning" in "\n".join(headlines(at))
    assert re.search(r"Claims 1–\d+ of \d+", shown(at))


def test_search_sorts_by_value_and_shows_a_table_and_a_csv(wb_url, monkeypatch):
    at = open_page(wb_url, "search", monkeypatch, q="GPQA", sort="value")
    values = [float(h.split(" · ")[2].strip("*%")) for h in headlines(at)]
    assert values == sorted(values, reverse=True) and len(values) == 6
    at.radio(key="view").set_value("table").run()
    table = at.dataframe[0].value
    assert list(table["value"]) == sorted(table["value"], reverse=True)
    assert list(table.columns[:3]) == ["model", "org", "benchmark"]
    at.button(key="search_csv_prepare").click().run()
    assert not at.exception
    assert at.get("download_button"), "the CSV is offered once prepared"


def test_search_stance_filter_is_the_models_current_stance(wb_url, monkeypatch):
    at = open_page(wb_url, "search", monkeypatch, stance="open")
    assert {h.split(" · ")[0] for h in headlines(at)} == {"**Fjordline 3**", "**Llama 3.1**"}
    at = open_page(wb_url, "search", monkeypatch, stance="closed")
    assert {h.split(" · ")[0] for h in headlines(at)} == {"**Aurora-2 Pro**", "**Brightline 5**"}


def test_each_card_shows_every_source_with_its_own_sentence(wb_url, monkeypatch):
    at = open_page(wb_url, "search", monkeypatch, q="Brightline", model="Brightline 5")
    sources = next(m.value for m in at.markdown if "signalwire.example/brightline-6-plans" in m.value)
    text = unescape(sources)
    # the original report (2 March) first, with "the sentence quoted above"; the later one with its own
    assert text.index("signalwire.example/aurora-2-pro") < text.index("signalwire.example/brightline-6-plans")
    assert "the sentence quoted above" in text
    assert "still sits at" in text and ":orange-background[**81.0**]" in text


def test_reader_markdown_numbers_every_mark_even_at_a_paragraph_end():
    from kb.read.reader import _place, Mark
    from ui.workbench import reader_markdown

    text = "Kite 2 scored 70.1 on MMMU.\n\nLater, Dana Whitfield said more.\n"
    start, end = _place(text, 0, 29, "Kite 2 scored 70.1 on MMMU.")  # offsets that take in the break
    assert text[start:end] == "Kite 2 scored 70.1 on MMMU."
    marks = [Mark(kind="claim", start=start, end=end, label="c", claim_id=1),
             Mark(kind="person", start=text.index("Dana"), end=text.index(" said"), label="p")]
    md = reader_markdown(text, marks, focus_claim=1)
    assert md.split("\n\n")[0].endswith(":orange-badge[1]")
    assert ":orange-background[**Kite 2 scored 70\\.1 on MMMU\\.**]" in md
    assert ":blue-background[Dana Whitfield] :blue-badge[2]" in md


def test_model_page_lists_its_articles_with_reader_links(wb_url, monkeypatch):
    at = open_page(wb_url, "model", monkeypatch, name="Aurora-2 Pro")
    listing = next(m.value for m in at.markdown if "/reader?article=" in m.value)
    lines = unescape(listing).splitlines()
    assert any(line.startswith("- EvalHouse re-runs Aurora-2 Pro (Model Ledger, 2026-03-09)") for line in lines)
    assert all(re.search(r"\[read\]\(/reader\?article=\d+\)$", line) for line in listing.splitlines())
