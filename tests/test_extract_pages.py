"""End-to-end quality gate on whole launch posts and news pages we wrote (tests/data/extract/pages/).

Each page goes through the real reader and cleaner (`read_document`) and the extractor, as
`aikb extract page.html` does. Pages mix prose claims with HTML score tables (models as columns or
rows, grouped headers, section rows, captions and figure captions naming the source), non-score tables
(pricing, specs), and a text copy whose table survives as 'cell | cell' lines. Floors are in
tests/eval_baseline.json (pages_*).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.documents import read_document
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp
from tests.test_extract_gold import f1, keys, norm, prf

PAGES = Path(__file__).parent / "data" / "extract" / "pages"
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text())
GOLD = [json.loads(line) for line in (PAGES / "gold.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def results():
    nlp = load_nlp()
    return [(item, read_document(PAGES / item["file"]), extract(nlp, read_document(PAGES / item["file"])))
            for item in GOLD]


def _score_keys(s) -> set:
    benches = [s["benchmark"], *s.get("benchmark_alt", [])]
    return {(norm(s["model"]), norm(b), float(s["value"])) for b in benches}


def tally_scores(results) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for item, _, ex in results:
        pred = list({(norm(s.model), norm(s.benchmark), float(s.value)) for s in ex.scores})
        for g in item["scores"]:
            hit = next((p for p in pred if p in _score_keys(g)), None)
            if hit:
                pred.remove(hit)
                tp += 1
            else:
                fn += 1
        fp += len(pred)
    return tp, fp, fn


def tally(results, kind: str) -> tuple[int, int, int]:
    """Stances or people over the pages, keyed as tests/test_extract_gold.py keys them."""
    tp = fp = fn = 0
    for item, _, ex in results:
        a, b, c = prf(*keys(item, ex, kind))
        tp, fp, fn = tp + a, fp + b, fn + c
    return tp, fp, fn


def test_scores_f1_at_or_above_floor(results):
    tp, fp, fn = tally_scores(results)
    assert f1(tp, fp, fn) >= BASELINE["pages_scores_f1"], f"scores tp {tp} fp {fp} fn {fn}"


@pytest.mark.parametrize("kind", ["stances", "people"])
def test_f1_at_or_above_floor(results, kind):
    tp, fp, fn = tally(results, kind)
    assert f1(tp, fp, fn) >= BASELINE[f"pages_{kind}_f1"], f"{kind} tp {tp} fp {fp} fn {fn}"


def test_table_claims_carry_reporter_and_offsets_into_the_text(results):
    tables_seen = 0
    for item, doc, ex in results:
        for s in ex.scores:
            if s.in_title:
                continue
            if s.in_table:
                tables_seen += 1
                assert s.reported_by == item["reporter"], (item["id"], s)
                if s.start == s.end == 0:
                    continue  # HTML tables are cut out of the clean text
            assert doc.text[s.start:s.end] == s.evidence, (item["id"], s)
    assert tables_seen >= 40


def test_prose_rules_do_not_read_flattened_table_rows(results):
    item, doc, ex = next(r for r in results if r[0]["file"].endswith(".txt"))
    assert " | " in doc.text  # the text copy keeps its table as 'cell | cell' lines
    assert all(s.in_table or " | " not in s.evidence for s in ex.scores)
    assert len({(s.model, s.benchmark, s.value) for s in ex.scores}) == len(ex.scores)


def test_models_named_only_in_tables_are_listed_with_their_maker(results):
    for item, _, ex in results:
        listed = {norm(m.name): m.org for m in ex.models}
        for s in ex.scores:
            assert norm(s.model) in listed, (item["id"], s.model)
    fjord = {m.name: m.org for m in results[0][2].models}
    assert fjord.get("Qwen3-235B-A22B") == "Alibaba" and fjord.get("gpt-oss-120b") == "OpenAI"


def test_non_score_tables_and_licences_add_nothing(results):
    for item, _, ex in results:
        names = {norm(o.name) for o in ex.orgs} | {norm(m.name) for m in ex.models}
        assert not names & {norm(x) for x in item.get("not_orgs", [])}, item["id"]
        assert not any(norm(s.benchmark) in ("context window", "parameters", "input") for s in ex.scores)


def test_people_carry_the_organisation_and_role_the_page_gives(results):
    ok = total = 0
    for item, _, ex in results:
        found = {norm(p.name): (norm(p.org), norm(p.role)) for p in ex.people}
        for p in item["people"]:
            total += 1
            ok += found.get(norm(p["name"])) == (norm(p["org"]), norm(p["role"]))
    assert ok / total >= BASELINE["pages_person_attr_accuracy"], f"{ok}/{total}"


def test_models_f1_at_or_above_floor(results):
    tp = fp = fn = 0
    for item, _, ex in results:
        a, b, c = prf([norm(x) for x in item["models"]], list({norm(m.name) for m in ex.models}))
        tp, fp, fn = tp + a, fp + b, fn + c
    assert f1(tp, fp, fn) >= BASELINE["pages_models_f1"], f"models tp {tp} fp {fp} fn {fn}"
