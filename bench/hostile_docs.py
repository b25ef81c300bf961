"""Hostile documents through the cleaner and the extractor: time and peak memory per case (issue 16).

    .venv/bin/python bench/hostile_docs.py                 # every case, 120 s cap each
    .venv/bin/python bench/hostile_docs.py --cap 600 --only nested-100k
    .venv/bin/python bench/hostile_docs.py --no-extract    # the cleaner alone

Each case runs in its own interpreter (a fresh peak RSS), which builds its document itself, cleans it
with ingest.clean.clean_html under the default DocumentLimits (when the installed code has them), then
runs kb.nlp.extract on the result. A case still running after --cap seconds is killed and reported as
"killed" with the peak memory it had reached. Figures: wall seconds and peak RSS in MB of the child
(the spaCy model's ~200 MB included when extraction runs).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # for bench._common; a measured checkout on PYTHONPATH still comes first
from bench._common import peak_rss_mb, run_capped  # noqa: E402

CASES = {
    "nested-10k": "a page with 10,000 nested <div>s around a paragraph",
    "nested-100k": "a page with 100,000 nested <div>s around a paragraph",
    "unclosed-30k": "a page with 30,000 unclosed inline tags (<span><b><i> x 10,000)",
    "table-1m": "a page with one table of 1,000,000 cells (1,000 x 1,000)",
    "tables-5k": "a page with 5,000 small score tables",
    "chars-8m": "a page of 8 million characters of plain paragraphs",
    "ordinary": "an ordinary launch post with one score table (the baseline)",
}

PROSE = ("Osprey AI said its Kestrel 4 model scored 77.3 on GPQA Diamond, up from 70.1 for the previous "
         "version, and the company will publish the weights under an open licence next month. ")


def build(case: str) -> str:
    """The hostile HTML of CASE, built here (nothing is read from disk)."""
    head = "<html><head><title>Kestrel 4 results</title></head><body>"
    tail = "</body></html>"
    if case.startswith("nested-"):
        depth = 10_000 if case == "nested-10k" else 100_000
        return head + "<div>" * depth + f"<p>{PROSE}</p>" + "</div>" * depth + tail
    if case == "unclosed-30k":
        return head + f"<p>{PROSE}</p>" + "<span><b><i>word " * 10_000 + tail
    if case == "table-1m":
        row = "<tr>" + "<td>7.1</td>" * 1000 + "</tr>"
        return head + f"<p>{PROSE}</p><table>" + row * 1000 + "</table>" + tail
    if case == "tables-5k":
        table = ("<table><tr><th>Benchmark</th><th>Kestrel 4</th></tr>"
                 "<tr><td>GPQA Diamond</td><td>77.3</td></tr></table>")
        return head + f"<p>{PROSE}</p>" + table * 5000 + tail
    if case == "chars-8m":
        return head + "".join(f"<p>{PROSE}</p>" for _ in range(8_000_000 // len(PROSE))) + tail
    if case == "ordinary":
        table = ("<table><tr><th>Benchmark</th><th>Kestrel 4</th><th>Kestrel 3</th></tr>"
                 "<tr><td>GPQA Diamond</td><td>77.3</td><td>70.1</td></tr>"
                 "<tr><td>MMLU-Pro</td><td>81.0</td><td>76.4</td></tr></table>")
        return head + "<article><h1>Kestrel 4 results</h1>" + f"<p>{PROSE}</p>" * 8 + table + "</article>" + tail
    raise SystemExit(f"unknown case {case}")


def child(case: str, extract: bool) -> None:
    """Run one case in this interpreter and print a JSON line of figures."""
    sys.path.insert(0, str(ROOT))
    from ingest import clean

    html = build(case)
    nlp = None
    if extract:
        from kb.nlp.pipeline import load_nlp

        nlp = load_nlp()
    started = time.monotonic()
    outcome = "ok"
    limits = getattr(clean, "DocumentLimits", None)
    try:
        doc = clean.clean_html(html, "https://bench.example/page") if limits is None else \
            clean.clean_html(html, "https://bench.example/page", limits=limits())
        cleaned = time.monotonic() - started
        notes = list(getattr(doc, "limits_hit", ()) or ())
        if extract:
            from kb.nlp.extract import extract as run_extract

            extraction = run_extract(nlp, doc)
            notes.append(f"{len(extraction.scores)} scores")
    except Exception as exc:  # noqa: BLE001 - a refused document is an outcome
        cleaned = time.monotonic() - started
        outcome, notes = "refused", [f"{type(exc).__name__}: {str(exc)[:120]}"]
    total = time.monotonic() - started
    print(json.dumps({"case": case, "outcome": outcome, "clean_s": round(cleaned, 2), "total_s": round(total, 2),
                      "peak_mb": round(peak_rss_mb()),
                      "chars": len(html), "notes": notes}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before a case is killed")
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--no-extract", action="store_true", help="clean only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, not args.no_extract)
    cases = args.only.split(",") if args.only else list(CASES)
    print(f"{'case':<14} {'outcome':<8} {'clean s':>8} {'total s':>8} {'peak MB':>8}  notes")
    for case in cases:
        cmd = [sys.executable, __file__, "--child", case] + (["--no-extract"] if args.no_extract else [])
        run = run_capped(cmd, args.cap, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if run.killed:
            print(f"{case:<14} {'killed':<8} {'-':>8} {run.seconds:>8.1f} {run.peak_mb:>8}  still running")
            continue
        if run.returncode or not run.last_line:
            print(f"{case:<14} {'crashed':<8} {'-':>8} {run.seconds:>8.1f} {run.peak_mb:>8}  exit {run.returncode}")
            continue
        r = json.loads(run.last_line)
        print(f"{case:<14} {r['outcome']:<8} {r['clean_s']:>8} {r['total_s']:>8} {r['peak_mb']:>8}  "
              + "; ".join(r["notes"]))

if __name__ == "__main__":
    main()
