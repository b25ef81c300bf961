"""Every page of the Streamlit app, driven headless with AppTest against a real SQLite store."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.db import open_engine
from tests._ui_fixtures import HOSTILE_TITLE, fill_store

APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    """One filled store for the module: the pages only read it (write tests use their own)."""
    return fill_store(f"sqlite:///{tmp_path_factory.mktemp('ui') / 'aikb.sqlite3'}")


@pytest.fixture
def empty_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    open_engine(url)
    return url


def open_page(url: str, page: str, monkeypatch, /, **params) -> AppTest:
    """Run PAGE of the app on the database at URL, as if opened with ?params."""
    monkeypatch.setenv("AIKB_DATABASE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page(f"views/{page}.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


def shown(at: AppTest) -> str:
    """The Markdown-ish text of every text element on the page, escapes removed."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(el.label for el in at.expander)
    return unescape("\n".join(parts))


def claim_headlines(at: AppTest) -> list[str]:
    return [unescape(m.value) for m in at.markdown if m.value.startswith("**") and " · " in m.value]


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def test_search_from_a_link_shows_the_claim_with_its_provenance(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, q="CharXiv")
    assert at.text_input(key="q").value == "CharXiv"
    heads = claim_headlines(at)
    assert "**Aurora-2 Pro** · CharXiv Reasoning · **86.4**" in heads
    assert all("CharXiv Reasoning" in h for h in heads), heads  # GPQA claim does not match
    text = shown(at)
    assert "Reported by Halcyon Research (vendor)" in text
    assert "Reported by EvalHouse (evaluator) · :orange-badge[hedged]" in text
    assert "first reported 2026-03-02" in text
    # the claim is highlighted inside its evidence sentence
    evidence = [m.value for m in at.markdown if m.value.startswith("“") and "86\\.4" in m.value]
    assert evidence and ":orange-background[**86\\.4**]" in evidence[0]
    # both source articles are linked, the original outlet's first
    links = next(m.value for m in at.markdown if "dailycompute.example" in m.value)
    assert links.index("signalwire.example/aurora-2-pro") < links.index("dailycompute.example")
    assert "originally Signal Wire" in unescape(links)


def test_typing_a_query_and_choosing_facets_narrows_the_results(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch)
    assert len(claim_headlines(at)) == 5  # no query: the newest claims
    at.text_input(key="q").input("GPQA").run()
    assert not at.exception
    heads = claim_headlines(at)
    assert heads == ["**Aurora-2 Pro** · GPQA Diamond · **79.5%** · _with tools_"]

    at.text_input(key="q").input("").run()
    at.selectbox(key="model").set_value("Brightline 5").run()
    assert [h.split(" · ")[0] for h in claim_headlines(at)] == ["**Brightline 5**"]

    at.selectbox(key="model").set_value(None).run()
    at.selectbox(key="benchmark").set_value("CharXiv Reasoning").run()
    values = sorted(h.split(" · ")[2] for h in claim_headlines(at))
    assert values == ["**81**", "**84.9**", "**86.4**"]


def test_date_range_and_stance_facets(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, q="CharXiv", until="2026-03-05")
    values = sorted(h.split(" · ")[2] for h in claim_headlines(at))
    assert values == ["**81**", "**86.4**"]  # EvalHouse's 84.9 came on March 9
    at = open_page(store_url, "search", monkeypatch, since="2026-03-08")
    assert [h.split(" · ")[2] for h in claim_headlines(at)] == ["**84.9**"]
    # Halcyon's latest stance is closed: its models' claims stay, the unknown-org model's go
    at = open_page(store_url, "search", monkeypatch, stance="closed")
    models = {h.split(" · ")[0] for h in claim_headlines(at)}
    assert "**Aurora-2 Pro**" in models and "**Quillfeather 2**" not in models


def test_a_reversed_date_range_is_explained_not_a_crash(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, since="2026-03-09", until="2026-03-01")
    assert "Cannot search" in shown(at) and "after" in shown(at)
    assert not claim_headlines(at)


def test_search_with_nothing_found_and_paging_past_the_end(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, q="nonexistentword")
    assert not claim_headlines(at)
    assert "No claims match this search" in shown(at)
    at = open_page(store_url, "search", monkeypatch, page="3")
    assert "No more results" in shown(at)


def test_untrusted_text_is_shown_as_text_never_as_markup(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, q="Quillfeather")
    assert claim_headlines(at), "the hostile article's claim should be found"
    raw = "\n".join(m.value for m in at.markdown)
    assert "<script>" not in raw and "<b>" not in raw and "<i>" not in raw
    assert "](javascript" not in raw
    assert ":red[" not in raw  # a Streamlit colour directive in a title stays literal
    assert HOSTILE_TITLE in unescape(raw)  # shown verbatim, as text
    assert "\\<b\\>in a noisy run\\</b\\>" in raw
    # a javascript: URL is never made a link
    assert not re.search(r"\]\(\s*javascript", raw, re.IGNORECASE)


def test_articles_tab_finds_article_text(store_url, monkeypatch):
    at = open_page(store_url, "search", monkeypatch, q="Hyperion")
    text = shown(at)
    assert "Meta to keep Hyperion closed" in text
    assert not claim_headlines(at)  # no score claim mentions it


def test_empty_store_says_what_to_do(empty_url, monkeypatch):
    for page in ("search", "model", "benchmark", "timeline"):
        at = open_page(empty_url, page, monkeypatch)
        assert "aikb ingest" in shown(at), page


# ---------------------------------------------------------------------------------------------
# Model, benchmark, timeline
# ---------------------------------------------------------------------------------------------


def test_model_page_shows_org_scores_chart_stances_and_people(store_url, monkeypatch):
    at = open_page(store_url, "model", monkeypatch, name="Aurora-2 Pro")
    text = shown(at)
    assert "Organization: **Halcyon Research**" in text
    scores = at.dataframe[-1].value
    assert sorted(zip(scores["benchmark"], scores["value"])) == [
        ("CharXiv Reasoning", 84.9), ("CharXiv Reasoning", 86.4), ("GPQA Diamond", 79.5)]
    assert at.get("vega_lite_chart"), "the scores chart is missing"
    stances = at.dataframe[0].value
    assert list(stances["stance"]) == ["closed"]
    assert "Dana Whitfield" in text and "chief scientist" in text


def test_model_page_without_a_choice_and_with_a_choice(store_url, monkeypatch):
    at = open_page(store_url, "model", monkeypatch)
    assert "Choose one" in shown(at)
    at.selectbox(key="name").set_value("Brightline 5").run()
    assert not at.exception
    assert "Organization: **Brightline Labs**" in shown(at)
    assert list(at.dataframe[-1].value["value"]) == [81.0]
    # a link may name a model beyond the facet list; it still opens
    at = open_page(store_url, "model", monkeypatch, name="Hyperion")
    assert "Organization: **Meta**" in shown(at)
    assert "closed" in list(at.dataframe[0].value["stance"])


def test_benchmark_leaderboard_as_of_history_and_disagreements(store_url, monkeypatch):
    at = open_page(store_url, "benchmark", monkeypatch, bench="CharXiv Reasoning")
    board = at.dataframe[0].value
    assert list(board["model"]) == ["Aurora-2 Pro", "Brightline 5"]
    assert list(board["value"]) == [86.4, 81.0]
    assert list(board["disputed"]) == [True, False]
    assert at.get("vega_lite_chart")
    assert any("Aurora-2 Pro: **86.4** vs **84.9**" in unescape(e.label) for e in at.expander)

    at.date_input(key="as_of").set_value("2026-03-01").run()
    assert not at.exception
    assert "Nothing reported on this benchmark by that date" in shown(at)


def test_timeline_marks_shifts_and_reference_history_and_filters_by_org(store_url, monkeypatch):
    at = open_page(store_url, "timeline", monkeypatch)
    text = shown(at)
    assert ":red-badge[open → closed] **Meta** (Hyperion) on 2026-01-15" in text
    events = at.dataframe[0].value
    assert {"Meta", "Halcyon Research"} <= set(events["org"])  # with the reference history of many more
    assert set(events[events["org"] == "Meta"]["origin"]) == {"news", "reference"}
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"closed"' in spec and '"reference"' in spec  # colour and shape scales

    at.multiselect(key="org").set_value(["Halcyon Research"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["org"]) == {"Halcyon Research"}
    assert "No organization changed its stance" in shown(at)


def test_timeline_filter_from_a_link(store_url, monkeypatch):
    at = open_page(store_url, "timeline", monkeypatch, org="Meta")
    assert set(at.dataframe[0].value["org"]) == {"Meta"}
    assert "open → closed" in shown(at)


@pytest.mark.parametrize("page,params,expected", [
    ("search", {"q": "CharXiv"}, "**Aurora-2 Pro** · CharXiv Reasoning · **86.4**"),
    ("model", {"name": "Aurora-2 Pro"}, "Organization: **Halcyon Research**"),
    ("benchmark", {"bench": "CharXiv Reasoning"}, "Aurora-2 Pro: **86.4** vs **84.9**"),
    ("timeline", {"org": "Meta"}, ":red-badge[open → closed] **Meta** (Hyperion)"),
    ("alerts", {}, "No rules yet"),
    ("sources", {}, "1 sources, 6 articles"),  # the stored articles came one by one: the "single pages" source
])
def test_every_page_on_both_databases(db_url, monkeypatch, page, params, expected):
    fill_store(db_url)
    at = open_page(db_url, page, monkeypatch, **params)
    text = shown(at)
    assert expected in text, text[:2000]
