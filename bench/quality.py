"""Extraction quality on the development sets, per batch: what issue 12 asks to be reported.

    .venv/bin/python -m bench.quality                 # extract dev + dev2 + seed, score, print the table
    .venv/bin/python -m bench.quality --reuse         # score the last predictions again (no extraction)
    .venv/bin/python -m bench.quality --json out.json # also write the figures as JSON

Needs `../shared` beside the checkout (the development sets and their scorer); the project's own tests
never read it. Extraction runs the installed `aikb extract --format json` as a user would, and the
scorer's own matching rules (`../shared/eval/score.py`, loaded from there, not copied) decide what
counts. For every group (dev; dev2 and each of its batches e1-e4; the seed) it prints micro P/R/F1 for
scores, stances, people, models and orgs, the per-document macro F1 of scores, person-org accuracy,
and the most frequent error kinds, so that a change that helps one batch and hurts another shows.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("scores", "stances", "people", "models", "orgs")
BATCHES = {"e1": "lab posts", "e2": "open weights", "e3": "journalism", "e4": "newsletters"}


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("aikb_eval_score", shared / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_extract(aikb: str, files: list[Path], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        subprocess.run([aikb, "extract", *map(str, files), "--format", "json"], stdout=fh, check=True)


def predictions(args, shared: Path, work: Path) -> dict[str, Path]:
    """Run the extractor over each set (unless --reuse) and return set name -> prediction file."""
    preds = {"dev": work / "dev.json", "dev2": work / "dev2.json", "seed": work / "seed.json"}
    if args.reuse and all(p.exists() for p in preds.values()):
        return preds
    dev_docs = work / "dev"
    subprocess.run([sys.executable, str(shared / "dev" / "extract_items.py"), str(shared / "dev"), str(dev_docs)],
                   check=True, stdout=subprocess.DEVNULL)
    run_extract(args.aikb, sorted(dev_docs.glob("*.html")), preds["dev"])
    run_extract(args.aikb, sorted((shared / "dev2" / "items").iterdir()), preds["dev2"])
    run_extract(args.aikb, sorted((shared / "seeds").glob("*.txt")), preds["seed"])
    return preds


class Group:
    """Tallies of one group of documents, with error kinds."""

    def __init__(self, sc):
        self.sc = sc
        self.t = {k: sc.Tally() for k in KINDS}
        self.doc_f1: list[float] = []
        self.org_ok = self.org_all = 0
        self.errors: Counter = Counter()

    def add(self, gold: dict, pred: dict) -> None:
        sc = self.sc
        ps = sc.unique(pred.get("scores", []),
                       lambda s: (sc.norm(s.get("model")), sc.norm_bench(s.get("benchmark")), str(s.get("value"))))
        pairs, miss, extra = sc.match(gold.get("scores", []), ps, sc.score_same)
        self.t["scores"].add(len(pairs), len(extra), len(miss))
        if gold.get("scores"):
            doc = sc.Tally()
            doc.add(len(pairs), len(extra), len(miss))
            self.doc_f1.append(doc.prf()[2])
        self._score_errors(miss, extra, bool(ps))
        st = sc.unique(pred.get("stances", []), lambda s: (sc.norm(s.get("model")), s.get("stance")))
        spairs, smiss, sextra = sc.match(gold.get("stances", []), st, sc.stance_same)
        self.t["stances"].add(len(spairs), len(sextra), len(smiss))
        for e in sextra:
            flipped = any(sc.norm(e.get("model")) in sc.names(m, "model", "model_alt", sc.norm) for m in smiss)
            self.errors["stance: opposite polarity" if flipped else "stance: spurious"] += 1
        self.errors["stance: missed"] += len(smiss)
        pp = sc.unique(pred.get("people", []), lambda s: sc.norm(sc.as_name(s)))
        ppairs, pmiss, pextra = sc.match(gold.get("people", []), pp,
                                         lambda a, b: sc.norm(a.get("name")) == sc.norm(sc.as_name(b)))
        self.t["people"].add(len(ppairs), len(pextra), len(pmiss))
        self.errors["person: spurious"] += len(pextra)
        self.errors["person: missed"] += len(pmiss)
        for gp, pr in ppairs:
            if gp.get("org"):
                self.org_all += 1
                ok = isinstance(pr, dict) and sc.norm(pr.get("org")) == sc.norm(gp.get("org"))
                self.org_ok += ok
                if not ok:
                    self.errors["person: wrong org"] += 1
        for kind in ("models", "orgs"):
            gs = {sc.norm(sc.as_name(x)) for x in gold.get(kind, [])}
            prs = {sc.norm(sc.as_name(x)) for x in pred.get(kind, [])}
            self.t[kind].add(len(gs & prs), len(prs - gs), len(gs - prs))

    def _score_errors(self, miss: list, extra: list, predicted_any: bool) -> None:
        sc = self.sc

        def near(e: dict, m: dict) -> str | None:
            same_model = bool(sc.spellings(e.get("model"), sc.norm)
                              & sc.spellings(m.get("model"), sc.norm))
            same_bench = bool(sc.spellings(e.get("benchmark"), sc.norm_bench)
                              & sc.spellings(m.get("benchmark"), sc.norm_bench))
            same_value = sc.value_eq(e.get("value"), m.get("value"))
            if same_model and same_bench:
                return "score: wrong value"
            if same_bench and same_value:
                return "score: wrong model name"
            if same_model and same_value:
                return "score: wrong benchmark name"
            return None

        for e in extra:
            kind = next((k for k in (near(e, m) for m in miss) if k), "score: spurious (no gold near it)")
            self.errors[kind] += 1
        self.errors["score: missed, document had no predicted score" if not predicted_any
                    else "score: missed"] += len(miss)

    def row(self, label: str, n_docs: int) -> str:
        cells = [f"{label:<14}", f"{n_docs:>4}"]
        for kind in KINDS:
            p, r, f = self.t[kind].prf()
            cells.append(f"{f:.3f} ({p:.2f}/{r:.2f})")
        macro = sum(self.doc_f1) / len(self.doc_f1) if self.doc_f1 else float("nan")
        cells.append(f"{macro:.3f}")
        cells.append(f"{self.org_ok}/{self.org_all}")
        return " | ".join(cells)

    def summary(self) -> dict:
        out = {}
        for kind in KINDS:
            p, r, f = self.t[kind].prf()
            out[kind] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
                         "tp": self.t[kind].tp, "fp": self.t[kind].fp, "fn": self.t[kind].fn}
        out["scores_macro_f1"] = round(sum(self.doc_f1) / len(self.doc_f1), 4) if self.doc_f1 else None
        out["person_org"] = [self.org_ok, self.org_all]
        out["errors"] = dict(self.errors.most_common())
        return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared folder (default ../shared)")
    ap.add_argument("--aikb", default=str(ROOT / ".venv" / "bin" / "aikb"), help="the aikb command to run")
    ap.add_argument("--work", default=str(ROOT / "scratch" / "quality"), help="where predictions are written")
    ap.add_argument("--reuse", action="store_true", help="score existing predictions, do not extract")
    ap.add_argument("--errors", type=int, default=8, help="how many error kinds to list per group")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "eval" / "score.py").exists():
        print(f"error: {shared} has no eval/score.py (the development sets live beside the checkout)", file=sys.stderr)
        return 2
    sc = load_scorer(shared)
    preds = predictions(args, shared, Path(args.work))
    golds = {"dev": sc.load_gold([shared / "dev" / "gold.jsonl"]),
             "dev2": sc.load_gold([shared / "dev2" / "gold.jsonl"]),
             "seed": sc.load_gold([shared / "seeds"])}

    groups: dict[str, tuple[Group, int]] = {}
    for set_name in ("dev", "dev2", "seed"):
        pred_docs = {sc.doc_key(d): d for d in json.loads(preds[set_name].read_text()).get("documents", [])}
        members = {set_name: list(golds[set_name])}
        if set_name == "dev2":
            for b in BATCHES:
                members[f"dev2 {b}"] = [k for k in golds[set_name] if k.startswith(b)]
        for label, keys in members.items():
            g = Group(sc)
            for k in keys:
                g.add(golds[set_name][k], pred_docs.get(k, {}))
            groups[label] = (g, len(keys))

    head = " | ".join([f"{'group':<14}", "docs"] + [f"{k} F1 (P/R)" for k in KINDS] + ["scores macro", "person org"])
    print(head)
    print("-" * len(head))
    for label in ("dev", "dev2", *(f"dev2 {b}" for b in BATCHES), "seed"):
        g, n = groups[label]
        print(g.row(label, n))
    print()
    for label in ("dev", *(f"dev2 {b}" for b in BATCHES)):
        g, _ = groups[label]
        top = ", ".join(f"{k} {v}" for k, v in g.errors.most_common(args.errors) if v)
        print(f"top errors {label}: {top}")
    if args.json:
        Path(args.json).write_text(json.dumps({label: {"docs": n, **g.summary()} for label, (g, n) in groups.items()},
                                              indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
