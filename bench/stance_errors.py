"""Stance errors per document: the gold stance events a prediction missed and the ones it added.

    .venv/bin/python -m bench.quality                      # writes the predictions (scratch/quality/*.json)
    .venv/bin/python -m bench.stance_errors dev2 --only e4 # then list, per document, missed and spurious events

For each document with an error it prints MISS (gold model, stance, org, licence), EXTRA (predicted model,
stance and the evidence sentence), the gold plans and the predicted plans, so the misses can be sorted into
name granularity, a missing availability shape, a stance on the wrong model, list shapes, or planned vs
actual. Matching is the scorer's own (`../shared/eval/score.py`, stances on (model, stance)).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.quality import ROOT, load_scorer


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", choices=("dev", "dev2", "seed"), help="which development set")
    ap.add_argument("--only", default="", help="only documents whose id starts with this (e.g. e4)")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--work", default=str(ROOT / "scratch" / "quality"), help="where bench.quality wrote predictions")
    args = ap.parse_args(argv)
    shared, pred_path = Path(args.shared), Path(args.work) / f"{args.set}.json"
    if not pred_path.exists():
        print(f"error: {pred_path} is missing; run `python -m bench.quality` first", file=sys.stderr)
        return 2
    sc = load_scorer(shared)
    gold = sc.load_gold([shared / "seeds"] if args.set == "seed" else [shared / args.set / "gold.jsonl"])
    pred = {sc.doc_key(d): d for d in json.loads(pred_path.read_text()).get("documents", [])}
    for key in sorted(k for k in gold if k.startswith(args.only)):
        g, p = gold[key], pred.get(key, {})
        st = sc.unique(p.get("stances", []), lambda s: (sc.norm(s.get("model")), s.get("stance")))
        pairs, miss, extra = sc.match(g.get("stances", []), st, sc.stance_same)
        if not (miss or extra or g.get("plans") or p.get("plans")):
            continue
        print(f"== {key} matched={len(pairs)}")
        for m in miss:
            print(f"  MISS  {m.get('model')!r} {m.get('stance')} org={m.get('org')} licence={m.get('license')}")
        for e in extra:
            print(f"  EXTRA {e.get('model')!r} {e.get('stance')} :: {(e.get('evidence') or '')[:200]!r}")
        for plan in g.get("plans", []):
            print(f"  GOLD PLAN {plan.get('model')!r} {plan.get('stance')}")
        for plan in p.get("plans", []):
            print(f"  PRED PLAN {plan.get('model')!r} {plan.get('stance')} :: {(plan.get('evidence') or '')[:150]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
