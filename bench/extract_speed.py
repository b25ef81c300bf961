#!/usr/bin/env python3
"""Words per second of `extract_many` next to a bare `nlp.pipe` of the same pipeline on the same texts
(and, for reference, the stock en_core_web_sm without aikb's gazetteer/shape components).

    .venv/bin/python bench/extract_speed.py [PATH ...] [--runs 5] [--repeat 3]

PATHs are .txt/.html/.md files (default: tests/data/extract/gold.jsonl texts plus any
scratch/dev/*.html). Documents are read and cleaned once, outside the timing. Each run times the
bare spaCy pass and the full extraction back to back; the table shows medians, and the overhead of
aikb's rules is the median of the per-run ratios (goal: under 40% on top of the spaCy pass).

Whole processes (issue 12): when `../shared/dev2/items` exists (or with --processes DIR), it also times,
as separate processes, `aikb extract DIR/* --format json` against a bare process that loads the same
pipeline and runs `nlp.pipe` over the same cleaned texts and titles, and prints the ratio of their wall
times and of their CPU times (user+sys, which a shared machine disturbs less); goal: <= 1.4x.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.records import CleanDocument  # noqa: E402
from kb.nlp.extract import MAX_CHARS, extract_many  # noqa: E402
from kb.nlp.pipeline import load_nlp  # noqa: E402


def load_docs(paths: list[str]) -> list[CleanDocument]:
    """Read and clean PATHS; with none, the default corpus (see default_corpus)."""
    from ingest.documents import read_document

    if not paths:
        return default_corpus()
    docs = []
    for p in paths:
        try:
            docs.append(read_document(p))
        except Exception as exc:  # noqa: BLE001 - a bad file is skipped, not fatal, for a benchmark
            print(f"skip {p}: {exc}", file=sys.stderr)
    return docs


def default_corpus() -> list[CleanDocument]:
    """Our gold articles and pages plus the sample corpus's pages; scratch/dev/*.html when it exists.

    Everything but scratch/dev ships with the project, so a clean clone has a corpus to time.
    """
    docs = []
    gold = ROOT / "tests" / "data" / "extract" / "gold.jsonl"
    for line in gold.read_text().splitlines():
        item = json.loads(line)
        docs.append(CleanDocument(title=item["title"], text=item["text"], outlet=item.get("outlet")))
    files = sorted((ROOT / "tests" / "data" / "extract" / "pages").glob("*.*"))
    files += sorted((ROOT / "data" / "sample").glob("*/*.htm*"))
    files += sorted((ROOT / "scratch" / "dev").glob("*.html"))
    return docs + load_docs([str(p) for p in files if p.suffix in (".html", ".htm", ".txt", ".md")])


DEV2_ITEMS = ROOT.parent / "shared" / "dev2" / "items"
BARE_CHILD = """
import json, sys
from kb.nlp.pipeline import load_nlp
nlp = load_nlp()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
for _doc in nlp.pipe(texts, batch_size=32):
    pass
"""


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+sys) of one child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_processes(folder: Path, runs: int) -> dict:
    """`aikb extract` over FOLDER's files against a bare `nlp.pipe` of the same texts, as whole processes.

    The bare process reads the cleaned texts (and titles, which extract_many also pipes) from a file, so
    reading and cleaning the documents count against `aikb extract`. Runs alternate, medians are kept.
    """
    from ingest.documents import read_document

    files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".md", ".html", ".htm"))
    texts = []
    for f in files:
        doc = read_document(f)
        texts.append(doc.text[:MAX_CHARS])
        if (doc.title or "").strip():
            texts.append(doc.title[:500])
    aikb = str(Path(sys.executable).with_name("aikb"))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(texts, fh)
    try:
        bare, full = [], []
        for _ in range(runs):
            bare.append(_timed([sys.executable, "-c", BARE_CHILD, fh.name]))
            full.append(_timed([aikb, "extract", *files, "--format", "json"]))
    finally:
        os.unlink(fh.name)
    med = statistics.median
    return {"files": len(files), "words": sum(len(t.split()) for t in texts),
            "bare_wall": med(w for w, _ in bare), "bare_cpu": med(c for _, c in bare),
            "full_wall": med(w for w, _ in full), "full_cpu": med(c for _, c in full),
            "ratio_wall": med(f[0] / b[0] for f, b in zip(full, bare)),
            "ratio_cpu": med(f[1] / b[1] for f, b in zip(full, bare))}


def print_processes(folder: Path, r: dict, runs: int) -> None:
    print(f"whole processes on {folder}: {r['files']} files, {r['words']} words, median of {runs} alternating runs")
    print(f"{'process':<28}{'wall s':>10}{'cpu s':>10}")
    print(f"{'bare nlp.pipe process':<28}{r['bare_wall']:>10.2f}{r['bare_cpu']:>10.2f}")
    print(f"{'aikb extract process':<28}{r['full_wall']:>10.2f}{r['full_cpu']:>10.2f}")
    print(f"whole-process ratio: wall {r['ratio_wall']:.2f}x, cpu {r['ratio_cpu']:.2f}x (goal <= 1.4x)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="copies of the corpus per run")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--processes", metavar="DIR", default=str(DEV2_ITEMS) if DEV2_ITEMS.is_dir() else None,
                    help="time whole `aikb extract` against a bare nlp.pipe process on DIR's files "
                         "(default ../shared/dev2/items when present)")
    ap.add_argument("--no-processes", action="store_true", help="skip the whole-process comparison")
    ap.add_argument("--only-processes", action="store_true", help="only the whole-process comparison")
    args = ap.parse_args(argv)
    if args.processes and not args.no_processes and args.only_processes:
        print_processes(Path(args.processes), whole_processes(Path(args.processes), args.runs), args.runs)
        return 0
    t0 = time.perf_counter()
    nlp = load_nlp()
    load_s = time.perf_counter() - t0
    docs = load_docs(args.paths) * args.repeat
    texts = [d.text[:MAX_CHARS] for d in docs]
    words = sum(len(t.split()) for t in texts)
    list(extract_many(nlp, docs[:4]))  # warm-up: lazy rule tables, caches
    import spacy

    from kb.nlp.pipeline import DISABLED, MODEL_NAME

    plain = spacy.load(MODEL_NAME, exclude=list(DISABLED))  # the stock model, without aikb's components
    bare, full, ratios, stock = [], [], [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        for _doc in plain.pipe(texts, batch_size=args.batch_size):
            pass
        stock.append(time.perf_counter() - t)
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        b = time.perf_counter() - t
        t = time.perf_counter()
        n = sum(1 for _ in extract_many(nlp, docs, batch_size=args.batch_size))
        f = time.perf_counter() - t
        assert n == len(docs)
        bare.append(b)
        full.append(f)
        ratios.append(f / b - 1.0)
    mb, mf, mr = statistics.median(bare), statistics.median(full), statistics.median(ratios)
    print(f"corpus: {len(docs)} documents, {words} words; pipeline {nlp.pipe_names}; load {load_s:.1f} s")
    print(f"{'pass':<28}{'median s':>10}{'words/s':>12}")
    ms = statistics.median(stock)
    print(f"{'stock en_core_web_sm pipe':<28}{ms:>10.2f}{words / ms:>12.0f}")
    print(f"{'bare nlp.pipe':<28}{mb:>10.2f}{words / mb:>12.0f}")
    print(f"{'extract_many (aikb rules)':<28}{mf:>10.2f}{words / mf:>12.0f}")
    print(f"rules overhead: {mr * 100:.1f}% on top of the spaCy pass (median of {args.runs} paired runs; goal < 40%)")
    if args.processes and not args.no_processes:
        print_processes(Path(args.processes), whole_processes(Path(args.processes), args.runs), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
