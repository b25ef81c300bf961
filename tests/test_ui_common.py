"""The UI's safety helpers: Markdown escaping, link targets, highlighting and source order."""
from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st_

from kb.read.query_records import SourceRef
from ui.common import highlight_evidence, highlight_spans, md_escape, md_link, order_sources, safe_url

MARKUP = set("\\`*_{}[]()<>#+-.!|~$:=^&\"'")


@given(st_.text())
def test_escaped_text_has_no_unescaped_markup_character(text):
    out = md_escape(text)
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in MARKUP
            i += 2
            continue
        assert out[i] not in MARKUP and out[i] not in "\n\r", (text, out)
        i += 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "//evil.example/",
                                 "file:///etc/passwd", "", None, float("nan")])
def test_only_http_links_become_links(url):
    assert safe_url(url) is None
    assert "](" not in md_link("title", url)


def test_a_link_target_cannot_break_out_of_its_parentheses():
    link = md_link("A [title]", "https://news.example/a (b)?q=<x>\"y\"")
    assert link == "[A \\[title\\]](https://news.example/a%20%28b%29?q=%3Cx%3E%22y%22)"


def test_highlight_marks_the_value_model_and_benchmark_but_not_longer_numbers():
    sentence = "Aurora-2 Pro hit 86.4 on CharXiv Reasoning; last year 186.45, and 86.40 never."
    marked = [sentence[a:b] for a, b in highlight_spans(sentence, ["86.4", "Aurora-2 Pro", "CharXiv Reasoning"])]
    assert marked == ["Aurora-2 Pro", "86.4", "CharXiv Reasoning"]
    md = highlight_evidence(sentence, value=86.4, model="Aurora-2 Pro", benchmark="CharXiv Reasoning")
    assert md.startswith(":orange-background[**Aurora\\-2 Pro**] hit :orange-background[**86\\.4**] on ")


def test_highlight_takes_the_unit_along():
    md = highlight_evidence("It reaches 58.7% on GPQA and 1402 Elo on the arena.", value=58.7, unit="%")
    assert ":orange-background[**58\\.7%**]" in md
    md = highlight_evidence("It reaches 58.7% on GPQA and 1402 Elo on the arena.", value=1402, unit="Elo")
    assert ":orange-background[**1402 Elo**]" in md


def test_highlight_of_a_whole_number_finds_its_decimal_spelling():
    md = highlight_evidence("Brightline 5 posted 81.0 here.", value=81.0, model="", benchmark="")
    assert ":orange-background[**81\\.0**]" in md


def test_highlighted_evidence_escapes_the_rest():
    md = highlight_evidence("<img src=x> scored 5 on [B](javascript:x)", value=5)
    assert md.startswith("\\<img src\\=x\\> scored :orange-background[**5**] on \\[B\\]\\(javascript")


def _src(article_id, outlet, original, day):
    return SourceRef(article_id=article_id, title=f"t{article_id}", url=None, outlet=outlet, original_outlet=original,
                     published_at=datetime(2026, 1, day, tzinfo=timezone.utc))


def test_the_original_outlet_comes_first_even_when_a_copy_is_older():
    copy = _src(1, "Aggregator", "Signal Wire", 1)
    original = _src(2, "Signal Wire", None, 2)
    other = _src(3, "Model Ledger", None, 3)
    assert [s.article_id for s in order_sources([other, copy, original])] == [2, 3, 1]


def test_a_stance_table_lists_an_undated_event_that_the_time_axis_leaves_out():
    from kb.read.query_records import TimelineEvent
    from ui.charts import timeline_frame

    def event(i, when):
        return TimelineEvent(event_id=i, org=None, model=f"Tarn-{i}", stance="closed", license=None, planned=False,
                             origin="news", reference_source=None, occurred_at=when, evidence="e", article_id=1,
                             article_title="t", article_url=None, is_shift=False)
    events = [event(1, datetime(2026, 5, 2, tzinfo=timezone.utc)), event(2, None)]
    assert list(timeline_frame(events)["model"]) == ["Tarn-1"]  # the chart: dated events only
    assert list(timeline_frame(events, undated=True)["model"]) == ["Tarn-1", "Tarn-2"]  # the model page's table
