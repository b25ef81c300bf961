"""The extractor's building blocks and the `aikb extract` command, on text we wrote ourselves."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.records import CleanDocument
from kb.cli import cli
from kb.nlp.extract import EXTRACTOR_VERSION, extract, extract_many
from kb.nlp.names import resolve_benchmark_name, resolve_model_name, resolve_org_name
from kb.nlp.pipeline import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize("text,expected", [
    ("GPT-5.4", "GPT-5.4"), ("Opus 4.6", "Claude Opus 4.6"), ("Qwen3-235B-A22B", "Qwen3-235B-A22B"),
    ("Llama 4 Maverick", "Llama 4 Maverick"), ("GPT-5.4 (high)*", "GPT-5.4"),
    ("deepseek-ai/DeepSeek-V4-Pro", "DeepSeek-V4-Pro"), ("Net revenue", None), ("Llama", None),
    ("Gemini app", None),
])
def test_resolve_model_name(text, expected):
    assert resolve_model_name(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("HLE", "Humanity's Last Exam"), ("SWE-Bench Verified\u2020", "SWE-bench Verified"),
    ("Tau2-bench (Telecom)", "\u03c4\u00b2-bench"), ("Intelligence Index v4.1", "Artificial Analysis Intelligence Index"),
    ("BFCL v4", "BFCL v4"), ("BFCL", "BFCL"),
    ("Price per 1M tokens", None), ("Region", None), ("Claude Opus 4.6", None), ("FooBench Pro", "FooBench Pro"),
])
def test_resolve_benchmark_name(text, expected):
    assert resolve_benchmark_name(text) == expected


def test_org_aliases():
    assert resolve_org_name("Meta AI") == "Meta"
    assert resolve_org_name("DeepMind") == "Google DeepMind"


def test_defined_abbreviation_and_unit(nlp):
    text = ("Vireo Labs launched Kestrel-2 today. Kestrel-2 reaches 61% on Frontier Puzzle Exam (FPE) "
            "and 1402 Elo on WebDev Arena. On FPE, Kestrel-2 Mini scores 44.5%.")
    ex = extract(nlp, CleanDocument(title="Kestrel-2", text=text))
    got = {(s.model, s.benchmark, s.value, s.unit) for s in ex.scores}
    assert ("Kestrel-2", "Frontier Puzzle Exam", 61.0, "%") in got
    assert ("Kestrel-2", "WebDev Arena", 1402.0, "Elo") in got
    assert ("Kestrel-2 Mini", "Frontier Puzzle Exam", 44.5, "%") in got


def test_qualifier_and_hedge(nlp):
    text = ("Orbit AI says its new Comet 3 model, in \"Deep\" mode, reaches 33.0% on Humanity's Last Exam "
            "with tools.")
    ex = extract(nlp, CleanDocument(title="Comet 3", text=text, outlet="Some Newsletter"))
    [claim] = ex.scores
    assert claim.qualifier in ("Deep mode", "with tools")
    assert claim.hedged is True


def test_planned_stance_is_flagged(nlp):
    text = "Zephyr Labs released Zephyr 2 as an API-only model and plans to open-source Zephyr 1 next year."
    ex = extract(nlp, CleanDocument(title="Zephyr 2", text=text))
    stances = {(s.model, s.stance, s.planned) for s in ex.stances}
    assert ("Zephyr 2", "closed", False) in stances
    assert any(s.planned and s.stance == "open" for s in ex.stances)


def test_extract_many_keeps_order_and_version(nlp):
    docs = [CleanDocument(title=f"t{i}", text=f"GPT-5.4 scores {50 + i} on SWE-bench Pro.") for i in range(5)]
    exs = list(extract_many(nlp, docs, batch_size=2))
    assert [ex.scores[0].value for ex in exs] == [50, 51, 52, 53, 54]
    assert exs[0].extra["extractor_version"] == EXTRACTOR_VERSION


def test_extract_many_pairs_each_title_with_its_text(nlp):
    """Titles ride in the same batched pipe as texts: with and without titles, in any batch size,
    each document's extraction is what extract() gives it alone."""
    docs = [CleanDocument(title="Osprey 4 tops MathArena at 71.2", text="The lab shipped Osprey 4 this week."),
            CleanDocument(title="", text="Kestrel 2 scored 63.0 on ProofBench in our own run."),
            CleanDocument(title="   ", text="Nothing here is a claim."),
            CleanDocument(title="Heron Mini posts 48.5 on ChartQuest", text="Heron Mini is open weights under MIT."),
            CleanDocument(title="Wren 3 arrives", text="")]
    for batch_size in (1, 2, 32):
        assert list(extract_many(nlp, docs, batch_size=batch_size)) == [extract(nlp, d) for d in docs]


def test_cli_json_and_bad_inputs(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Quartz launch\n\nQuartz-1 scores 72.5% on GPQA Diamond, ahead of GPT-5.4 (70.0).\n")
    html = tmp_path / "page.html"
    html.write_text("<html><body><p>Gemini 3.1 Pro reaches 80.1% on MMMU-Pro.<div><p>unclosed <b>tags")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.html"
    binary.write_bytes(bytes(range(256)) * 40)
    german = tmp_path / "de.txt"
    german.write_text("Titel\n\nDas neue Modell ist schneller und die Ergebnisse sind besser als die der "
                      "Konkurrenz, sagt das Unternehmen. Es wird nicht veröffentlicht und ist nur über die "
                      "Schnittstelle verfügbar, wie die Firma am Dienstag mitteilte.\n")
    big = tmp_path / "big.html"
    big.write_text("<html><body>" + "<p>Filler words about nothing in particular here.</p>" * 12_000
                   + "</body></html>")
    missing = tmp_path / "missing.txt"
    paths = [good, html, empty, binary, german, big, missing]
    result = CliRunner().invoke(cli, ["extract", *map(str, paths), "--format", "json"])
    assert result.exit_code == 0, result.output
    docs = {d["file"]: d for d in json.loads(result.output)["documents"]}
    assert [d["file"] for d in json.loads(result.output)["documents"]] == [str(p) for p in paths]
    got = {(s["model"], s["benchmark"], s["value"]) for s in docs[str(good)]["scores"]}
    assert got == {("Quartz-1", "GPQA Diamond", 72.5), ("GPT-5.4", "GPQA Diamond", 70.0)}
    assert docs[str(good)]["title"] == "Quartz launch"
    assert docs[str(html)]["scores"][0]["model"] == "Gemini 3.1 Pro"
    for bad in (empty, binary, missing):
        assert docs[str(bad)]["error"] and docs[str(bad)]["scores"] == []
    assert docs[str(german)]["scores"] == [] and docs[str(german)]["stances"] == []
    assert docs[str(big)]["scores"] == []


def test_cli_table_format(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Quartz launch\n\nQuartz-1 scores 72.5% on GPQA Diamond.\n")
    result = CliRunner().invoke(cli, ["extract", str(good)])
    assert result.exit_code == 0 and "GPQA Diamond" in result.output and "Quartz-1" in result.output


def test_html_launch_post_prose_and_table(nlp):
    from ingest.documents import read_document

    doc = read_document(Path(__file__).parent / "data" / "extract" / "launch_table.html")
    ex = extract(nlp, doc)
    got = {(s.model, s.benchmark, s.value) for s in ex.scores}
    assert ("Nimbus 2 Pro", "Humanity's Last Exam", 41.2) in got  # prose, abbreviation defined
    assert ("GPT-5.4", "Humanity's Last Exam", 36.0) in got
    assert ("Claude Opus 4.6", "SWE-bench Verified", 80.8) in got  # table, models as columns
    assert ("Nimbus 2 Pro", "AIME 2025", 95.1) in got
    assert not any(s.model.startswith("GPT 2") for s in ex.scores)
    assert {(s.model, s.stance) for s in ex.stances} == {("Nimbus 2 Pro", "closed")}


def test_headline_claim_and_same_score_reference(nlp):
    doc = CleanDocument(title="Wren-4 scores 47 on the Artificial Analysis Intelligence Index",
                        text="That matches the score of Claude Sonnet 4.6 (thinking). Wren-4 is small.")
    ex = extract(nlp, doc)
    got = {(s.model, s.benchmark, s.value, s.in_title) for s in ex.scores}
    assert ("Wren-4", "Artificial Analysis Intelligence Index", 47.0, True) in got


def test_short_name_of_a_discovered_model_and_counts_that_are_not_scores(nlp):
    text = ("Meta released Muse Tinsel, a 30B vision model, under Apache 2.0. Tinsel is a vision model, so I asked "
            "it to describe a photo. Separately, Lumen Academy's Quillbot reached 1.4 million students.")
    names = {m.name for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}
    assert "Muse Tinsel" in names and "Tinsel" not in names
    assert "Quillbot" not in names
    # negative: when two models end in the name, the short name is not folded into either
    text = ("Meta released Muse Tinsel, a vision model, on Monday. Orrin released Vela Tinsel, an audio model, on "
            "Friday. Tinsel is a small model either way.")
    names = {m.name for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}
    assert {"Muse Tinsel", "Vela Tinsel"} <= names


def test_version_range_names_both_ends(nlp):
    text = "In my tests every Claude Opus 4.1-4.6 release drew a better pelican than the last."
    names = {m.name for m in extract(nlp, CleanDocument(title="Notes", text=text)).models}
    assert {"Claude Opus 4.1", "Claude Opus 4.6"} <= names and "Claude Opus 4.1-4.6" not in names
    # negative: a descending pair or a size suffix is no range
    names = {m.name for m in extract(nlp, CleanDocument(title="Notes", text="We ran Qwen3-235B-A22B locally."))
             .models}
    assert "Qwen3-235B-A22B" in names


FLAT_TABLE_TEXT = (
    "Brightline released Wren 3 on Tuesday, its new open-weight model for coding and math.\n\n"
    "How Wren 3 compares\n\nBenchmark\nWren 3\nKestrel 2\nGPQA Diamond\n71.2%\n70.1%\nAIME 2025\n80.0%\n83.4%\n"
    "LiveCodeBench\n55.0%\n-\n\nThe company said the weights are on Hugging Face under Apache 2.0.\n")


def test_a_table_flattened_to_one_cell_per_line_is_read_as_a_table(nlp):
    ex = extract(nlp, CleanDocument(title="Wren 3 is out", text=FLAT_TABLE_TEXT))
    got = {(s.model, s.benchmark, s.value) for s in ex.scores}
    assert {("Wren 3", "GPQA Diamond", 71.2), ("Kestrel 2", "GPQA Diamond", 70.1), ("Kestrel 2", "AIME 2025", 83.4),
            ("Wren 3", "LiveCodeBench", 55.0)} <= got
    assert all(s.in_table for s in ex.scores if s.benchmark in {"GPQA Diamond", "AIME 2025", "LiveCodeBench"})
    assert len(got) == 5  # the "-" cell is no score


def test_short_lines_that_are_no_table_stay_text(nlp):
    from kb.nlp.table_place import flat_tables

    text = "Key facts\n\nRelease\nMarch 2026\nLicence\nApache 2.0\nContext\n128K tokens\n\nMore prose follows here."
    assert flat_tables(text) == []
    lists = "Highlights\nFaster decoding\nBetter tool use\nLonger context\nLower price\nNew tokenizer\nSmaller memory"
    assert flat_tables(lists) == []
