"""The table reader: HTML score tables in launch posts -> ScoreClaims.

Each fixture `tests/data/tables/x.html` has `x.expected.json` next to it: the exact set of
(model, benchmark, value, unit, qualifier) the table holds ([] for tables that are not score tables).
The resolvers here are deliberately small (a dict plus one "<Family> <version>" regex) so the module is
tested on its own; names the dicts do not know must come through the module's own name shapes.
"""
from __future__ import annotations

import contextlib
import json
import logging
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.nlp.records import ScoreClaim
from kb.nlp.table_labels import looks_like_benchmark, looks_like_model, parse_value
from kb.nlp.tables import extract_table_scores

DATA = Path(__file__).parent / "data" / "tables"
FIXTURES = sorted(DATA.glob("*.html"))

MODEL_ALIASES = {
    "gpt-5.4": "GPT-5.4", "gpt 5.4": "GPT-5.4", "opus 4.6": "Claude Opus 4.6",
    "claude opus 4.6": "Claude Opus 4.6", "claude sonnet 4.6": "Claude Sonnet 4.6",
    "sonnet 4.6": "Claude Sonnet 4.6", "gemini 3.1 pro": "Gemini 3.1 Pro", "gemini 3 pro": "Gemini 3 Pro",
    "grok 4": "Grok 4", "deepseek-v3.2": "DeepSeek-V3.2", "chatgpt": "ChatGPT", "gemini": "Gemini",
    "claude": "Claude",
}
FAMILY_SHAPE = re.compile(r"^(?:GPT|Claude|Gemini|Grok|Llama|Qwen|DeepSeek)[\s-]?[\w.\- ]*\d[\w.\- ]*$")
BENCH_ALIASES = {
    "hle": "Humanity's Last Exam", "humanity's last exam": "Humanity's Last Exam",
    "gpqa diamond": "GPQA Diamond", "aime 2025": "AIME 2025", "swe-bench verified": "SWE-bench Verified",
    "mmlu-pro": "MMLU-Pro", "livecodebench": "LiveCodeBench", "arc-agi-2": "ARC-AGI-2",
    "mmmu": "MMMU", "lmarena text": "LMArena Text", "browsecomp": "BrowseComp",
}


def resolve_model(text: str) -> str | None:
    """Test resolver: a small alias dict, then the common '<Family> <version>' shape."""
    key = text.strip().lower()
    if key in MODEL_ALIASES:
        return MODEL_ALIASES[key]
    return text.strip() if FAMILY_SHAPE.match(text.strip()) else None


def resolve_benchmark(text: str) -> str | None:
    """Test resolver: a small alias dict only (unknown benchmarks rely on the module's shapes)."""
    return BENCH_ALIASES.get(text.strip().lower().replace("\u2019", "'"))


def _key(c: ScoreClaim) -> tuple:
    return (c.model, c.benchmark, c.value, c.unit, c.qualifier)


def test_fixture_set_is_varied_enough():
    negatives = [p for p in FIXTURES if p.name.startswith("neg_")]
    assert len(FIXTURES) - len(negatives) >= 10 and len(negatives) >= 4
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").exists(), path.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_table_fixture(path: Path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    claims = extract_table_scores(path.read_text(encoding="utf-8"), resolve_model, resolve_benchmark)
    got = sorted(_key(c) for c in claims)
    assert got == sorted(tuple(row) for row in expected["claims"])
    assert len(got) == len(set(got)), "duplicate claims"
    for c in claims:
        assert c.reported_by is None and c.hedged is False and (c.start, c.end) == (0, 0)
        assert ":" in c.evidence and c.evidence.split(":")[0].strip()


def test_evidence_renders_the_row():
    html = (DATA / "halcyon_bench_rows.html").read_text(encoding="utf-8")
    claims = extract_table_scores(html, resolve_model, resolve_benchmark)
    aime = [c for c in claims if c.benchmark == "AIME 2025"]
    assert {c.evidence for c in aime} == {"AIME 2025: Halcyon 3 Pro 96.2; GPT-5.4 94.6; Gemini 3.1 Pro 95.0"}


def test_context_supplies_setting_and_percent_only_when_the_table_has_none():
    html = ("<table><tr><th>Benchmark</th><th>GPT-5.4</th><th>Grok 4</th></tr>"
            "<tr><td>GPQA Diamond</td><td>88.1</td><td>87.5</td></tr>"
            "<tr><td>LiveCodeBench (pass@8)</td><td>80.0</td><td>79.1</td></tr></table>")
    claims = extract_table_scores(html, resolve_model, resolve_benchmark,
                                  context="Table 2. Accuracy (%), pass@1, no tools")
    got = {(c.model, c.benchmark): (c.unit, c.qualifier) for c in claims}
    assert got[("GPT-5.4", "GPQA Diamond")] == ("%", "pass@1, no tools")
    assert got[("Grok 4", "LiveCodeBench")] == ("%", "pass@8")
    bare = extract_table_scores(html, resolve_model, resolve_benchmark)
    assert {(c.unit, c.qualifier) for c in bare if c.benchmark == "GPQA Diamond"} == {("score", None)}


def test_resolver_names_are_used_and_orientation_follows_them():
    # A model's short form takes the resolver's full name; a benchmark keeps the table's spelling (the
    # store links "HLE" to its entity through the gazetteer's aliases).
    html = ("<table><tr><th>Model</th><th>HLE</th><th>GPQA Diamond</th></tr>"
            "<tr><td>Opus 4.6</td><td>34.2</td><td>86.0</td></tr></table>")
    claims = extract_table_scores(html, resolve_model, resolve_benchmark)
    assert {(c.model, c.benchmark) for c in claims} == {("Claude Opus 4.6", "HLE"), ("Claude Opus 4.6", "GPQA Diamond")}
    # Nothing recognised on one axis: no claims, whatever the numbers.
    none = extract_table_scores(html, resolve_model, lambda t: None)
    assert {c.benchmark for c in none} == {"GPQA Diamond", "HLE"}  # shapes still know these two
    assert extract_table_scores(html.replace("HLE", "Latency").replace("GPQA Diamond", "Cost"),
                                resolve_model, resolve_benchmark) == []


def test_several_tables_in_one_fragment_are_all_read():
    one = (DATA / "orrery_model_rows.html").read_text(encoding="utf-8")
    two = (DATA / "arena_elo.html").read_text(encoding="utf-8")
    both = extract_table_scores(f"<div>{one}<p>and</p>{two}</div>", resolve_model, resolve_benchmark)
    alone = (extract_table_scores(one, resolve_model, resolve_benchmark)
             + extract_table_scores(two, resolve_model, resolve_benchmark))
    assert sorted(map(_key, both)) == sorted(map(_key, alone)) and len(both) > 10


@pytest.mark.parametrize("cell, expected", [
    ("86.4", (86.4, None, None)), ("86.4%", (86.4, "%", None)), ("1501 Elo", (1501.0, "Elo", None)),
    ("72.1 \u00b1 0.3", (72.1, None, None)), ("58.0 (with tools)", (58.0, None, "with tools")),
    ("1,234", (1234.0, None, None)), ("86.4*", (86.4, None, None)), ("86.4\u2020", (86.4, None, None)),
    ("86.4\u00b9", (86.4, None, None)), ("86.4 [1]", (86.4, None, None)), ("64.0 (+3.1)", (64.0, None, None)),
    ("91.0 \u2191", (91.0, None, None)),
    ("\u2014", None), ("-", None), ("n/a", None), ("+3.2", None), ("1.4x", None), ("$2.50", None),
    ("128K", None), ("> 80", None), ("~55", None), ("", None), ("72.5% / 79.4%", (72.5, "%", None)),
    ("71.2 / 68.4", (71.2, None, None)), ("1 / 2 / 3", None),
])
def test_parse_value(cell, expected):
    assert parse_value(cell) == expected


@pytest.mark.parametrize("text", ["SWE-bench Verified", "GPQA Diamond", "MMLU-Pro", "AIME 2025",
                                  "Humanity's Last Exam", "Terminal-Bench 2.0", "OSWorld-Verified"])
def test_benchmark_shapes(text):
    assert looks_like_benchmark(text) and not looks_like_model(text)


@pytest.mark.parametrize("text", ["GPT-5.4", "Claude Opus 4.6", "Gemini 3.1 Pro", "Llama 4 Maverick",
                                  "Qwen3-235B-A22B", "DeepSeek-V3.2", "o3", "Zephyr 2.1 Pro"])
def test_model_shapes(text):
    assert looks_like_model(text) and not looks_like_benchmark(text)


@pytest.mark.parametrize("text", ["Input price", "Context window", "Release date", "USD", "Notes"])
def test_neither_shape(text):
    assert not looks_like_model(text) and not looks_like_benchmark(text)


def test_malformed_html_returns_list():
    for html in ["", "<table>", "<table><tr><td colspan='999999999'>x</td></tr></table>",
                 "<table><tr><th rowspan='-3'>GPQA Diamond</th><td>GPT-5.4</td></tr><tr><td>8",
                 "\x00\xff<table><caption><table>", "<table>" * 300, None]:
        with _no_swallowed_errors():
            assert isinstance(extract_table_scores(html, resolve_model, resolve_benchmark), list)


def test_resolver_failure_is_contained():
    def broken(text):
        raise RuntimeError("gazetteer not loaded")
    html = (DATA / "halcyon_bench_rows.html").read_text(encoding="utf-8")
    assert extract_table_scores(html, broken, resolve_benchmark) == []


TAGS = st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "</th>",
                        "<thead>", "</thead>", "<tbody>", "<caption>", "<sup>", "</sup>", "<br>",
                        "<td colspan='3'>", "<td rowspan='9'>", "<th colspan='x'>", "<td rowspan=0>"])
TEXTS = st.sampled_from(["GPQA Diamond", "GPT-5.4", "86.4", "72.1 \u00b1 0.3", "\u2014", "with tools",
                         "HLE (no tools)", "1501 Elo", "&amp;", "<", "\u00b9", "Opus 4.6", "58%", ""])


class _Swallowed(logging.Handler):
    """Counts the debug records the module writes when it swallows an exception."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += record.exc_info is not None


@contextlib.contextmanager
def _no_swallowed_errors():
    logger, handler = logging.getLogger("kb.nlp.tables"), _Swallowed()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    # Garbled HTML must be handled by the reader's logic, not by the last-resort except.
    assert handler.count == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TAGS, TEXTS, st.text(max_size=12)), max_size=60))
def test_random_html_never_raises(parts):
    with _no_swallowed_errors():
        claims = extract_table_scores("".join(parts), resolve_model, resolve_benchmark, context="pass@1")
    assert all(isinstance(c, ScoreClaim) and c.model and c.benchmark for c in claims)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_garbage_bytes_never_raise(blob):
    with _no_swallowed_errors():
        assert isinstance(extract_table_scores(blob.decode("latin-1"), resolve_model, resolve_benchmark), list)


def test_nested_score_table_inside_a_layout_table_is_read():
    inner = (DATA / "kestrel_multirow_tools.html").read_text(encoding="utf-8")
    page = f"<table><tr><td>menu</td><td><h2>Results</h2>{inner}</td></tr><tr><td>1</td><td>2</td></tr></table>"
    assert (sorted(map(_key, extract_table_scores(page, resolve_model, resolve_benchmark)))
            == sorted(map(_key, extract_table_scores(inner, resolve_model, resolve_benchmark))))


def test_fixtures_hold_with_the_project_resolvers():
    """The gazetteer resolvers (kb.nlp.names) may rename, but must not add or lose claims."""
    names = pytest.importorskip("kb.nlp.names")
    for path in FIXTURES:
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))["claims"]
        claims = extract_table_scores(path.read_text(encoding="utf-8"), names.resolve_model_name,
                                      names.resolve_benchmark_name)
        assert len(claims) == len(expected), path.name


def test_a_percent_in_one_cell_holds_for_that_benchmark_only():
    html = ("<table><tr><th>Model</th><th>GPQA Diamond</th><th>Codeforces Elo</th><th>AIME 2025</th></tr>"
            "<tr><td>GPT-5.4</td><td>88.1%</td><td>2255</td><td>94.6</td></tr>"
            "<tr><td>Grok 4</td><td>87.5</td><td>2180</td><td>91.7</td></tr></table>")
    units = {(c.model, c.benchmark): c.unit for c in extract_table_scores(html, resolve_model, resolve_benchmark)}
    assert units == {("GPT-5.4", "GPQA Diamond"): "%", ("Grok 4", "GPQA Diamond"): "%",
                     ("GPT-5.4", "Codeforces"): "Elo", ("Grok 4", "Codeforces"): "Elo",
                     ("GPT-5.4", "AIME 2025"): "score", ("Grok 4", "AIME 2025"): "score"}


def test_a_long_context_paragraph_adds_no_setting():
    html = (DATA / "halcyon_bench_rows.html").read_text(encoding="utf-8")
    para = "We are thinking about how these results hold up. " * 8
    claims = extract_table_scores(html, resolve_model, resolve_benchmark, context=para)
    assert claims and all(c.qualifier is None for c in claims)


def test_an_acronym_with_a_version_is_read_as_whatever_the_other_axis_needs():
    as_model = ("<table><tr><th>Benchmark</th><th>XLR-2</th><th>GPT-5.4</th></tr>"
                "<tr><td>GPQA Diamond</td><td>80.1</td><td>88.1</td></tr>"
                "<tr><td>AIME 2025</td><td>77.0</td><td>94.6</td></tr></table>")
    got = {(c.model, c.benchmark) for c in extract_table_scores(as_model, resolve_model, resolve_benchmark)}
    assert ("XLR-2", "GPQA Diamond") in got and ("XLR-2", "AIME 2025") in got
    as_bench = ("<table><tr><th>Model</th><th>XLR-2</th><th>GPQA Diamond</th></tr>"
                "<tr><td>GPT-5.4</td><td>61.0</td><td>88.1</td></tr></table>")
    got = {(c.model, c.benchmark) for c in extract_table_scores(as_bench, resolve_model, resolve_benchmark)}
    assert got == {("GPT-5.4", "XLR-2"), ("GPT-5.4", "GPQA Diamond")}


def test_rank_and_delta_sub_columns_under_a_model_are_not_scores():
    html = ("<table><thead><tr><th rowspan='2'>Benchmark</th><th colspan='2'>Wren 3</th><th colspan='2'>GPT-5.4</th>"
            "</tr><tr><th>Score</th><th>Rank</th><th>Score</th><th>\u0394</th></tr></thead><tbody>"
            "<tr><td>GPQA Diamond</td><td>89.2</td><td>1</td><td>88.1</td><td>-1.1</td></tr>"
            "<tr><td>AIME 2025</td><td>93.0</td><td>2</td><td>94.6</td><td>1.6</td></tr></tbody></table>")
    got = sorted(map(_key, extract_table_scores(html, resolve_model, resolve_benchmark)))
    assert got == [("GPT-5.4", "AIME 2025", 94.6, "score", None), ("GPT-5.4", "GPQA Diamond", 88.1, "score", None),
                   ("Wren 3", "AIME 2025", 93.0, "score", None), ("Wren 3", "GPQA Diamond", 89.2, "score", None)]


def test_oversized_input_is_skipped_quickly():
    row = "<tr><td>GPQA Diamond</td><td>88.1</td></tr>"
    html = "<table><tr><th>Benchmark</th><th>GPT-5.4</th></tr>" + row * 60000 + "</table>"
    assert len(html) > 2_000_000
    assert extract_table_scores(html, resolve_model, resolve_benchmark) == []


def test_a_newline_in_the_html_source_does_not_split_a_name():
    html = ("<table><tr><th>Benchmark</th><th>GPT-5.4</th><th>Grok 4</th></tr>\n<tr><td>Humanity's\n   Last Exam\n"
            "</td><td>38.9</td><td>25.4</td></tr>\n<tr><td>GPQA\nDiamond</td><td>88.1</td><td>87.5</td></tr></table>")
    got = {c.benchmark for c in extract_table_scores(html, resolve_model, resolve_benchmark)}
    assert got == {"Humanity's Last Exam", "GPQA Diamond"}


# ---- table shapes of model cards (issue 12): each with a negative case ------------------------------

def _got(html: str, context: str = "") -> set:
    return {(c.model, c.benchmark, c.value, c.qualifier) for c in
            extract_table_scores(html, resolve_model, resolve_benchmark, context)}


def test_header_names_set_in_sup_are_text_and_short_sup_marks_are_footnotes():
    html = ("<table><thead><tr><th>Benchmark</th><th><sup>Wren 3 Chat</sup></th>"
            "<th><sup>Grok 4 <br><sup>(no thinking)</sup></sup></th></tr></thead><tbody>"
            "<tr><td>GPQA Diamond<sup>2</sup></td><td>71.4</td><td>69.0</td></tr>"
            "<tr><td>AIME 2025<sup>*</sup></td><td>55.1</td><td>50.3</td></tr></tbody></table>")
    got = _got(html)
    assert ("Wren 3 Chat", "GPQA Diamond", 71.4, None) in got
    assert ("Grok 4", "AIME 2025", 50.3, "no thinking") in got
    assert {b for _, b, _, _ in got} == {"GPQA Diamond", "AIME 2025"}  # the "2" and "*" marks are gone


def test_a_subscript_names_the_split_in_parentheses():
    html = ("<table><tr><th>Benchmark</th><th>Wren 3</th></tr>"
            "<tr><td>ChartQA<sub>test</sub></td><td>84.0</td></tr><tr><td>MMMU<sub>val</sub></td><td>51.2</td></tr></table>")
    assert {(b, q) for _, b, _, q in _got(html)} == {("ChartQA", "test"), ("MMMU", "val")}
    # Negative: no subscript, no setting invented.
    plain = html.replace("<sub>test</sub>", "").replace("<sub>val</sub>", "")
    assert {(b, q) for _, b, _, q in _got(plain)} == {("ChartQA", None), ("MMMU", None)}


def test_a_title_row_above_the_header_is_context_not_the_header():
    html = ("<table><thead><tr><th>Instruction-tuned models</th><th></th><th></th><th></th></tr></thead><tbody>"
            "<tr><td>Benchmark</td><td>Shots</td><td>Wren 3 Mini</td><td>Wren 3</td></tr>"
            "<tr><td>MMLU-Pro</td><td>5</td><td>48.2</td><td>60.7</td></tr>"
            "<tr><td>GPQA Diamond</td><td>0</td><td>30.1</td><td>41.9</td></tr></tbody></table>")
    got = _got(html)
    assert ("Wren 3 Mini", "MMLU-Pro", 48.2, "5-shot") in got and ("Wren 3", "GPQA Diamond", 41.9, "0-shot") in got
    assert len(got) == 4
    # Negative: a first row with two filled cells is a header, not a title.
    two = html.replace("<th>Instruction-tuned models</th><th></th>", "<th>Benchmark</th><th>Wren 2</th>")
    assert ("Wren 3", "GPQA Diamond", 41.9, "0-shot") not in _got(two)


def test_rows_stacked_in_one_row_with_line_breaks_are_unstacked():
    html = ("<table><tr><th>Domain</th><th>Benchmark</th><th>Wren 3</th><th>GPT-5.4</th></tr>"
            "<tr><td>Math</td><td>AIME 2025<br>MATH-500</td><td>81.0<br>95.5</td><td>79.4<br>96.0</td></tr>"
            "<tr><td>Code</td><td>LiveCodeBench</td><td>61.0</td><td>64.2</td></tr></table>")
    got = _got(html)
    assert {("Wren 3", "AIME 2025", 81.0), ("Wren 3", "MATH-500", 95.5), ("GPT-5.4", "MATH-500", 96.0),
            ("GPT-5.4", "LiveCodeBench", 64.2)} <= {g[:3] for g in got}
    assert len(got) == 6
    # Negative: a value with its setting beneath it is one cell, not two rows.
    one = ("<table><tr><th>Benchmark</th><th>Wren 3</th></tr>"
           "<tr><td>MMLU</td><td>72.5%<br>5-shot</td></tr><tr><td>GPQA Diamond</td><td>60.1%</td></tr></table>")
    assert {g[:3] for g in _got(one)} == {("Wren 3", "MMLU", 72.5), ("Wren 3", "GPQA Diamond", 60.1)}


def test_a_size_column_names_the_model_only_when_it_tells_rows_apart():
    html = ("<table><tr><th>Model</th><th>Size</th><th>HumanEval</th><th>MBPP</th></tr>"
            "<tr><td>Wren-Coder</td><td>1.5B</td><td>41.5</td><td>50.2</td></tr>"
            "<tr><td>Wren-Coder</td><td>9B</td><td>53.7</td><td>60.8</td></tr>"
            "<tr><td>Qwen2.5-Coder-7B</td><td>7B</td><td>61.6</td><td>62.9</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert {("Wren-Coder 1.5B", "HumanEval", 41.5), ("Wren-Coder 9B", "MBPP", 60.8),
            ("Qwen2.5-Coder-7B", "HumanEval", 61.6)} <= got
    assert not any(m.endswith("B") and m.startswith(("1.5", "9", "7")) for m, _, _ in got)  # a size is no model
    # Negative: distinct names beside a size column keep their names (the size is a spec).
    distinct = html.replace("<td>Wren-Coder</td><td>9B", "<td>Kestrel 2</td><td>9B")
    assert {m for m, _, _ in {g[:3] for g in _got(distinct)}} == {"Wren-Coder", "Kestrel 2", "Qwen2.5-Coder-7B"}


def test_a_setting_written_after_the_benchmark_name_is_a_qualifier():
    html = ("<table><tr><th>Model</th><th>AIME 2025 pass@1</th><th>AIME 2025 cons@64</th><th>GPQA Diamond</th></tr>"
            "<tr><td>Wren 3</td><td>70.2</td><td>83.3</td><td>65.0</td></tr></table>")
    got = _got(html)
    assert got == {("Wren 3", "AIME 2025", 70.2, "pass@1"), ("Wren 3", "AIME 2025", 83.3, "cons@64"),
                   ("Wren 3", "GPQA Diamond", 65.0, None)}


def test_a_model_keeps_the_tables_more_specific_name():
    # The resolver knows the family member "Qwen-7B"; the table names a checkpoint of it.
    resolver = {"org-x/qwen-7b": "Qwen-7B", "qwen-7b": "Qwen-7B"}.get
    html = ("<table><tr><th>Model</th><th>HellaSwag</th><th>BoolQ</th></tr>"
            "<tr><td>org-x/Qwen-7B</td><td>70.1</td><td>75.0</td></tr>"
            "<tr><td>Qwen-7B</td><td>69.0</td><td>74.2</td></tr></table>")
    claims = extract_table_scores(html, lambda t: resolver(t.strip().lower()), resolve_benchmark)
    assert {c.model for c in claims} == {"org-x/Qwen-7B", "Qwen-7B"}


def test_a_cell_naming_another_model_belongs_to_that_model():
    html = ("<table><tr><th>Benchmark</th><th>Wren 3</th><th>Best other model</th></tr>"
            "<tr><td>GPQA Diamond</td><td>71.0%</td><td>68.2% (Grok 4)</td></tr>"
            "<tr><td>AIME 2025</td><td>80.1%</td><td>83.0% (GPT-5.4)</td></tr>"
            "<tr><td>MMMU</td><td>60.4% (pass@1)</td><td>-</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert got == {("Wren 3", "GPQA Diamond", 71.0), ("Grok 4", "GPQA Diamond", 68.2),
                   ("Wren 3", "AIME 2025", 80.1), ("GPT-5.4", "AIME 2025", 83.0), ("Wren 3", "MMMU", 60.4)}


def test_checkpoint_ids_are_models_and_a_name_broken_over_two_lines_is_one_name():
    html = ("<table><tr><th>Pre-trained model</th><th>Average</th><th>ARC<br>Challenge</th><th>Wino<br>Grande</th>"
            "<th>BoolQ</th></tr>"
            "<tr><td>acme-labs/wren-3b-base</td><td>61.0</td><td>40.2</td><td>66.1</td><td>71.0</td></tr>"
            "<tr><td>example-org/Kestrel-7B-v2</td><td>64.3</td><td>44.0</td><td>69.9</td><td>75.2</td></tr>"
            "<tr><td>wren-small-v2</td><td>58.8</td><td>38.1</td><td>63.0</td><td>68.4</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert ("acme-labs/wren-3b-base", "ARC Challenge", 40.2) in got
    assert ("example-org/Kestrel-7B-v2", "BoolQ", 75.2) in got
    assert ("wren-small-v2", "ARC Challenge", 38.1) in got  # a lower-case checkpoint id with a version
    assert not any(b == "Average" for _, b, _ in got)  # an average is not a benchmark
    assert len(got) == 9


def test_lower_case_words_and_dataset_ids_are_not_models():
    html = ("<table><tr><th>Dataset</th><th>GPQA Diamond</th><th>MMLU</th></tr>"
            "<tr><td>lmms-lab/ai2d</td><td>1200</td><td>300</td></tr>"
            "<tr><td>average</td><td>61.0</td><td>70.2</td></tr></table>")
    assert _got(html) == set()


def test_columns_splitting_a_benchmark_named_by_the_heading():
    html = ("<table><tr><th>Model</th><th>Python</th><th>Rust</th><th>C#</th><th>Go</th><th>Avg</th></tr>"
            "<tr><td>Wren-Coder 9B</td><td>60.1</td><td>48.2</td><td>51.0</td><td>45.5</td><td>51.2</td></tr>"
            "<tr><td>Kestrel 2</td><td>58.3</td><td>41.0</td><td>50.2</td><td>47.0</td><td>49.1</td></tr></table>")
    def bench(text: str) -> str | None:
        return "HumanEval" if text.strip().lower() == "humaneval" else resolve_benchmark(text)

    got = {(c.model, c.benchmark, c.value) for c in
           extract_table_scores(html, resolve_model, bench, "Multi-lingual HumanEval: base models")}
    assert ("Wren-Coder 9B", "HumanEval (Python)", 60.1) in got and ("Kestrel 2", "HumanEval (C#)", 50.2) in got
    assert len(got) == 8  # the Avg column is no benchmark
    # Negative: a heading that names no benchmark leaves the columns as they are (no invented parent).
    other = {b for _, b, _ in {g[:3] for g in _got(html, context="Throughput on one H100 GPU")}}
    assert not any("(" in b for b in other)


def test_an_all_caps_name_with_a_parameter_count_is_a_model():
    html = ("<table><tr><th>Benchmark</th><th>WREN-VL-10B (Seq)</th><th>WREN-VL-10B (Par)</th><th>KESTREL-2-A3B</th></tr>"
            "<tr><td>MMMU</td><td>70.1</td><td>72.4</td><td>66.0</td></tr>"
            "<tr><td>MathVista</td><td>80.2</td><td>81.9</td><td>75.3</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert {("WREN-VL-10B", "MMMU", 70.1), ("WREN-VL-10B", "MMMU", 72.4), ("KESTREL-2-A3B", "MathVista", 75.3)} <= got
    assert looks_like_model("WREN-VL-10B") and not looks_like_benchmark("WREN-VL-10B")
    # Negative: an all-caps benchmark without a parameter count stays a benchmark.
    assert looks_like_benchmark("MMBENCH-V2") and not looks_like_model("MMBENCH-V2")


def test_a_results_table_without_a_model_holds_the_documents_own_model():
    html = ("<table><tr><th>Benchmark</th><th>Score</th></tr><tr><td>GPQA Diamond</td><td>58.0</td></tr>"
            "<tr><td>AIME 2025</td><td>61.5</td></tr><tr><td>MMMU</td><td>55.2</td></tr></table>")
    claims = extract_table_scores(html, resolve_model, resolve_benchmark, subject="Wren 3 Mini")
    assert {(c.model, c.benchmark, c.value) for c in claims} == {
        ("Wren 3 Mini", "GPQA Diamond", 58.0), ("Wren 3 Mini", "AIME 2025", 61.5), ("Wren 3 Mini", "MMMU", 55.2)}
    # Negatives: no subject known, or a column that is no score (a price), gives nothing.
    assert extract_table_scores(html, resolve_model, resolve_benchmark) == []
    priced = html.replace("<th>Score</th>", "<th>Price per run</th>")
    assert extract_table_scores(priced, resolve_model, resolve_benchmark, subject="Wren 3 Mini") == []


def test_a_pair_of_values_under_a_paired_header_is_two_claims():
    html = ("<table><tr><th>Model</th><th>MMMU <br>(val/test)</th><th>MathVista</th></tr>"
            "<tr><td>Wren 3</td><td>51.1/44.7</td><td>46.5</td></tr>"
            "<tr><td>Kestrel 2</td><td>36.6/-</td><td>36.1</td></tr></table>")
    got = _got(html)
    assert {("Wren 3", "MMMU", 51.1, "val"), ("Wren 3", "MMMU", 44.7, "test"), ("Kestrel 2", "MMMU", 36.6, "val"),
            ("Wren 3", "MathVista", 46.5, None), ("Kestrel 2", "MathVista", 36.1, None)} == got
    # Negative: a pair under a header that names one thing keeps the first value only (as before).
    one = html.replace("MMMU <br>(val/test)", "MMMU")
    assert {g[:3] for g in _got(one) if g[1] == "MMMU"} == {("Wren 3", "MMMU", 51.1)}


def test_a_zero_shot_header_is_a_setting_of_a_score_column_not_a_shots_column():
    html = ("<table><tr><th>Model</th><th>XQA Zero-Shot Acc. (%)</th><th>Latency (ms)</th></tr>"
            "<tr><td>Wren 3</td><td>71.5</td><td>1.6</td></tr><tr><td>Kestrel 2</td><td>68.0</td><td>2.4</td></tr></table>")
    got = _got(html)
    assert {g[:3] for g in got} == {("Wren 3", "XQA Zero-Shot Acc.", 71.5), ("Kestrel 2", "XQA Zero-Shot Acc.", 68.0)}
    # Negative: a "# Shots" column still holds shot counts (a setting), never scores.
    shots = ("<table><tr><th>Benchmark</th><th># Shots</th><th>Wren 3</th></tr>"
             "<tr><td>MMLU-Pro</td><td>5</td><td>48.2</td></tr><tr><td>GPQA Diamond</td><td>0</td><td>30.1</td></tr></table>")
    assert _got(shots) == {("Wren 3", "MMLU-Pro", 48.2, "5-shot"), ("Wren 3", "GPQA Diamond", 30.1, "0-shot")}


def test_checkpoint_ids_under_a_model_header_are_models_of_a_one_benchmark_table():
    html = ("<table><tr><th>Model Name</th><th>RetrBench (NDCG@10)</th><th>Parameters (Millions)</th></tr>"
            "<tr><td>acme-embed-small</td><td>51.98</td><td>33</td></tr>"
            "<tr><td>acme-embed-s</td><td>50.15</td><td>22</td></tr>"
            "<tr><td>ORG-reranker-v2-m3</td><td>49.04</td><td>110</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert got == {("acme-embed-small", "RetrBench", 51.98), ("acme-embed-s", "RetrBench", 50.15),
                   ("ORG-reranker-v2-m3", "RetrBench", 49.04)}  # no claim from the parameter column
    # Negatives: the same ids under a "Dataset" header, or one such row alone, are too weak to read.
    assert _got(html.replace("Model Name", "Dataset")) == set()
    one = html.split("<tr><td>acme-embed-s<")[0] + "</table>"
    assert _got(one) == set()


def test_a_time_per_query_column_is_no_benchmark_and_w_slash_tools_still_is_a_setting():
    html = ("<table><tr><th>Model</th><th>XBench</th><th>Retrieval Time (seconds/query)</th><th>HLE (w/ tools)</th></tr>"
            "<tr><td>Wren 3</td><td>49.1</td><td>0.16</td><td>31.8</td></tr>"
            "<tr><td>Kestrel 2</td><td>52.3</td><td>0.64</td><td>20.3</td></tr></table>")
    got = _got(html)
    assert not any(v in (0.16, 0.64) for _, _, v, _ in got)
    assert ("Wren 3", "HLE", 31.8, "w/ tools") in got and ("Kestrel 2", "XBench", 52.3, None) in got


def test_a_metric_in_parentheses_is_how_a_benchmark_is_scored_not_its_name():
    html = ("<table><tr><th>Benchmark</th><th>Wren 3</th><th>Kestrel 2</th></tr>"
            "<tr><td>MMLU-Pro</td><td>60.2</td><td>58.1</td></tr>"
            "<tr><td>Corpus-test (BPB)</td><td>0.606</td><td>0.638</td></tr>"
            "<tr><td>Long-context reasoning (XYZR v2)</td><td>41.0</td><td>39.5</td></tr></table>")
    benches = {b for _, b, _, _ in _got(html)}
    assert "Corpus-test" in benches and "BPB" not in benches
    # Negative: a name in parentheses after a description is still the benchmark.
    assert "XYZR v2" in benches


def test_a_topic_column_beside_stacked_benchmarks_is_a_category():
    html = ("<table><tr><th>Topic</th><th>Bench</th><th>Wren 3</th><th>Kestrel 2</th></tr>"
            "<tr><td>NLU</td><td>ComplexNLU<br>Word-Task</td><td>64.7<br>67.1</td><td>64.5<br>76.3</td></tr>"
            "<tr><td>Math</td><td>AIME 2025</td><td>81.0</td><td>79.4</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert {("Wren 3", "ComplexNLU", 64.7), ("Kestrel 2", "Word-Task", 76.3), ("Wren 3", "AIME 2025", 81.0)} <= got
    assert not any(b == "NLU" for _, b, _ in got)  # the topic is no benchmark
    assert len(got) == 6


def test_image_classification_benchmarks_are_benchmark_shaped():
    assert looks_like_benchmark("IN-1k Top-1") and looks_like_benchmark("ImageNet-V2")
    # Negative: a word that merely contains the letters is no benchmark.
    assert not looks_like_benchmark("Input-1k tokens")


def test_an_acronym_id_under_a_model_header_is_a_checkpoint_but_a_model_corner_keeps_benchmark_rows():
    from kb.nlp.table_labels import checkpoint

    assert checkpoint("ABCD-reranker-v2-m3") is not None and checkpoint("xyz-embed-base") is not None
    assert checkpoint("Some-Bench-v2") is None and checkpoint("Average") is None and checkpoint("GSM8K") is None
    eager = {"model": resolve_model, "benchmark": lambda t: t if re.match(r"[A-Z]{3,}", t) else resolve_benchmark(t)}
    rows = ("<table><tr><th>Model</th><th>Param</th><th>RetrBench-R</th><th>CodeRetrBench</th></tr>"
            "<tr><td>Wren-Embed-4B</td><td>4B</td><td>69.8</td><td>81.2</td></tr>"
            "<tr><td>ABCD-reranker-v2-m3</td><td>0.6B</td><td>57.0</td><td>41.4</td></tr></table>")
    got = {(c.model, c.benchmark, c.value) for c in extract_table_scores(rows, resolve_model, eager["benchmark"])}
    assert ("ABCD-reranker-v2-m3", "RetrBench-R", 57.0) in got and len(got) == 4
    # Negative: "Model" in the corner above benchmark rows (acronym ids among them), models as columns.
    corner = ("<table><tr><th>Model</th><th>Wren 3</th><th>Kestrel 2</th></tr>"
              "<tr><td>CRUX-Of</td><td>60.6</td><td>66.2</td></tr><tr><td>MMLU-Pro</td><td>60.2</td><td>58.1</td></tr>"
              "<tr><td>ABCD-Redux</td><td>87.5</td><td>83.9</td></tr></table>")
    got = {(c.model, c.benchmark, c.value) for c in extract_table_scores(corner, resolve_model, eager["benchmark"])}
    assert ("Wren 3", "ABCD-Redux", 87.5) in got and ("Kestrel 2", "CRUX-Of", 66.2) in got and len(got) == 6


def test_a_benchmark_named_eval_with_a_version_glued_on_is_no_model():
    assert looks_like_benchmark("SomeEval2.0") and not looks_like_model("SomeEval2.0")
    html = ("<table><tr><th>Benchmark (Metric)</th><th>Wren 3</th><th>Kestrel 2</th></tr>"
            "<tr><td>SomeEval2.0 (LC-winrate)</td><td>52.0</td><td>70.0</td></tr>"
            "<tr><td>MMLU-Pro</td><td>60.2</td><td>58.1</td></tr></table>")
    assert ("Kestrel 2", "SomeEval2.0", 70.0) in {g[:3] for g in _got(html)}
    # Negative: a model whose name starts with the letters stays a model.
    assert looks_like_model("Evalon 2") and not looks_like_benchmark("Evalon 2")


def _claim(model: str, bench: str, value: float) -> ScoreClaim:
    return ScoreClaim(model=model, benchmark=bench, value=value, unit="%")


def test_prose_and_tables_stating_one_number_give_one_claim():
    from kb.nlp.table_place import merge_claims

    def is_org(word: str) -> bool:
        return word == "Acme"

    prose = [_claim("Kestrel K2", "XBench Verified", 65.8), _claim("Wren", "YQA", 40.0)]
    first = [_claim("Kestrel K2 Chat", "XBench Verified", 65.8), _claim("Acme m1-mini", "MATH-500", 90.0),
             _claim("Wren 3", "YQA", 40.0), _claim("Wren 3 Base", "YQA", 40.0)]
    second = [_claim("m1-mini", "MATH500", 90.0), _claim("m1-mini", "ZBench", 12.5)]
    got = {(c.model, c.benchmark, c.value) for c in merge_claims(prose, [first, second], is_org)}
    assert ("Kestrel K2", "XBench Verified", 65.8) not in got  # the table names the model fully
    assert ("Kestrel K2 Chat", "XBench Verified", 65.8) in got
    assert ("m1-mini", "MATH500", 90.0) not in got and ("m1-mini", "ZBench", 12.5) in got
    # Negatives: a prose name that could be either of two table models stays; both table models stay;
    # a longer name that is another model ("m1-mini" vs "m1-mini-high") or a name that only starts the same
    # ("Wren-4" vs "Wren-4o") is no short form.
    assert ("Wren", "YQA", 40.0) in got and ("Wren 3 Base", "YQA", 40.0) in got
    kept = merge_claims([_claim("Wren-4", "YQA", 50.0)], [[_claim("Wren-4o", "YQA", 50.0)],
                                                         [_claim("m1-mini-high", "MATH-500", 90.0)]], is_org)
    assert len(kept) == 3


def test_a_negative_score_is_read_and_a_delta_column_still_is_not():
    html = ("<table><tr><th>Model</th><th>FollowBench</th><th>XQA</th><th>\u0394 vs. prior</th></tr>"
            "<tr><td>Wren 3</td><td>-0.68</td><td>58.2</td><td>-1.2</td></tr>"
            "<tr><td>Kestrel 2</td><td>\u22121.64</td><td>63.4</td><td>+2.0</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert got == {("Wren 3", "FollowBench", -0.68), ("Kestrel 2", "FollowBench", -1.64),
                   ("Wren 3", "XQA", 58.2), ("Kestrel 2", "XQA", 63.4)}
    # Negative: a lone dash is an empty cell, and "- 5" is no number.
    assert parse_value("-") is None and parse_value("- 5") is None


def test_a_next_best_column_of_model_dash_value_cells_names_each_value_s_model():
    html = ("<table><tr><th>Benchmark</th><th>Wren 3</th><th>Next best</th></tr>"
            "<tr><td>AIME 2025</td><td>88.1 %</td><td>Kestrel 2 \u2013 86.2 %</td></tr>"
            "<tr><td>GPQA Diamond</td><td>61.3 %</td><td>Abstract puzzles \u2013 12</td></tr></table>")
    got = {g[:3] for g in _got(html)}
    assert got == {("Wren 3", "AIME 2025", 88.1), ("Kestrel 2", "AIME 2025", 86.2), ("Wren 3", "GPQA Diamond", 61.3)}
    spaced = html.replace("Kestrel 2 \u2013 86.2 %", "Kestrel 2 - 86.2 %")  # the normaliser's form of the dash
    assert ("Kestrel 2", "AIME 2025", 86.2) in {g[:3] for g in _got(spaced)}
    # Negative: a hyphen inside a name ("Kestrel 2-86.2") does not split the cell.
    plain = html.replace("Kestrel 2 \u2013 86.2 %", "Kestrel 2-86.2")
    assert not any(m == "Kestrel 2" for m, _, _ in {g[:3] for g in _got(plain)})


def test_a_size_measured_at_is_a_setting_and_a_model_parameters_column_names_no_model():
    html = ("<table><tr><th>Model</th><th>Model Parameters</th><th>RetrBench Score at 256 Dimensions</th></tr>"
            "<tr><td>Wren Embed 2</td><td>109M</td><td>54.2 (100%)</td></tr>"
            "<tr><td>Kestrel embed large</td><td>Not Published</td><td>51.7 (96%)</td></tr></table>")
    got = _got(html)
    assert {g[:3] for g in got} == {("Wren Embed 2", "RetrBench", 54.2), ("Kestrel embed large", "RetrBench", 51.7)}
    assert all("at 256 Dimensions" in (q or "") for _, _, _, q in got)
    # Negatives: what is measured at a size is still no benchmark when it is a throughput or a price.
    other = html.replace("RetrBench Score at 256 Dimensions", "Throughput at 8 GPUs")
    assert _got(other) == set()


def test_a_row_named_by_a_size_alone_is_the_one_model_of_the_document_with_that_size():
    from kb.nlp.table_place import by_size

    html = ("<table><tr><th>Model</th><th>Embed Dim</th><th>RetrBench</th><th>CodeRetr Bench</th></tr>"
            "<tr><td>311M (nested)</td><td>768</td><td>52.6</td><td>63.9</td></tr>"
            "<tr><td>311M (nested)</td><td>256</td><td>51.6</td><td>63.4</td></tr>"
            "<tr><td>97M (native)</td><td>384</td><td>48.9</td><td>58.3</td></tr></table>")
    known = {"wren-embed-311m-r2", "wren-embed-97m-r2", "Kestrel 2"}
    claims = extract_table_scores(html, by_size(resolve_model, known), resolve_benchmark)
    got = {(c.model, c.benchmark, c.value) for c in claims}
    assert {("wren-embed-311m-r2", "RetrBench", 51.6), ("wren-embed-97m-r2", "CodeRetr Bench", 58.3)} <= got
    assert len(got) == 6 and not any(v in (768, 256, 384) for _, _, v in got)  # the dimension is no score
    # Negatives: a size two of the document's models carry names neither; a size no model carries, none.
    assert extract_table_scores(html, by_size(resolve_model, known | {"other-311m"}), resolve_benchmark) and \
        not any(c.model.endswith("311m-r2") for c in
                extract_table_scores(html, by_size(resolve_model, known | {"other-311m"}), resolve_benchmark))
    assert extract_table_scores(html, by_size(resolve_model, {"Kestrel 2"}), resolve_benchmark) == []


def test_the_model_column_names_the_row_not_a_download_link_beside_it():
    html = ("<table><tr><th>Model</th><th>RewardBench Score</th><th>Download (HF)</th></tr>"
            "<tr><td>Wren2-1.8B-Reward</td><td>80.6</td><td>wren2-1_8B-reward</td></tr>"
            "<tr><td>Wren2-7B-Reward</td><td>86.6</td><td>wren2-7B-reward</td></tr></table>")
    assert {g[0] for g in _got(html)} == {"Wren2-1.8B-Reward", "Wren2-7B-Reward"}
    # Negative: with no "Model" header the last name in the row still wins (a group, then its model).
    grouped = (html.replace("<th>Model</th>", "<th>Series</th>").replace("Download (HF)", "Repo")
               .replace(">wren2-1_8B-reward<", ">Wren2-1.8B-Reward-HF<").replace(">wren2-7B-reward<", ">Wren2-7B-Reward-HF<"))
    assert {g[0] for g in _got(grouped)} == {"Wren2-1.8B-Reward-HF", "Wren2-7B-Reward-HF"}
