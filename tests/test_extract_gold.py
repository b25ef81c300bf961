"""Quality gate: the extractor against our own hand-written gold set (tests/data/extract/gold.jsonl).

Floors live in tests/eval_baseline.json; they may only be lowered deliberately (edit the file and say
why in the commit). Matching follows ../shared/eval/score.py: scores on (model, benchmark, value),
stances on (model, stance), people on name, after normalising case, hyphens and apostrophes.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.records import CleanDocument
from kb.nlp.extract import extract
from kb.nlp.pipeline import load_nlp

DATA = Path(__file__).parent / "data" / "extract"
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text())
GOLD = [json.loads(line) for line in (DATA / "gold.jsonl").read_text().splitlines() if line.strip()]


def norm(name) -> str:
    s = str(name or "").lower().replace("\u2019", "'")
    s = re.sub(r"'s\b", "", s).replace("'", "")
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"[-_/]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def prf(gold: list, pred: list) -> tuple[int, int, int]:
    """(tp, fp, fn) with one-to-one matching of hashable keys."""
    left = list(pred)
    tp = 0
    for g in gold:
        if g in left:
            left.remove(g)
            tp += 1
    return tp, len(left), len(gold) - tp


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not fp and not fn else 0.0)


@pytest.fixture(scope="module")
def results():
    nlp = load_nlp()
    out = []
    for item in GOLD:
        doc = CleanDocument(title=item["title"], text=item["text"], outlet=item.get("outlet"))
        out.append((item, extract(nlp, doc)))
    return out


def keys(item: dict, ex, kind: str) -> tuple[list, list]:
    """(gold keys, predicted keys) of one document for KIND: scores, stances (not planned) or people."""
    if kind == "scores":
        return ([(norm(s["model"]), norm(s["benchmark"]), float(s["value"])) for s in item["scores"]],
                list({(norm(s.model), norm(s.benchmark), float(s.value)) for s in ex.scores}))
    if kind == "stances":
        return ([(norm(s["model"]), s["stance"]) for s in item["stances"]],
                list({(norm(s.model), s.stance) for s in ex.stances if not s.planned}))
    return [norm(p["name"]) for p in item["people"]], list({norm(p.name) for p in ex.people})


def tally(results, kind: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for item, ex in results:
        a, b, c = prf(*keys(item, ex, kind))
        tp, fp, fn = tp + a, fp + b, fn + c
    return tp, fp, fn


@pytest.mark.parametrize("kind", ["scores", "stances", "people"])
def test_f1_at_or_above_floor(results, kind):
    tp, fp, fn = tally(results, kind)
    score = f1(tp, fp, fn)
    assert score >= BASELINE[f"{kind}_f1"], f"{kind} F1 {score:.3f} (tp {tp} fp {fp} fn {fn}) below floor"


def test_no_score_claims_from_hard_negatives(results):
    negatives = [ex for item, ex in results if item["id"] in ("a04", "a12")]
    assert negatives and all(not ex.scores for ex in negatives)


def test_evidence_offsets_point_into_the_text(results):
    for item, ex in results:
        for rec in list(ex.scores) + list(ex.stances) + list(ex.people):
            if getattr(rec, "in_title", False):
                assert rec.evidence == item["title"] and rec.start == rec.end == 0
                continue
            assert 0 <= rec.start < rec.end <= len(item["text"])
            assert item["text"][rec.start:rec.end] == rec.evidence


def test_person_org_accuracy_at_or_above_floor(results):
    ok = total = 0
    for item, ex in results:
        found = {norm(p.name): norm(p.org) for p in ex.people}
        for p in item["people"]:
            if p.get("org") and norm(p["name"]) in found:
                total += 1
                ok += found[norm(p["name"])] == norm(p["org"])
    assert total and ok / total >= BASELINE["person_org_accuracy"], f"person org accuracy {ok}/{total}"
