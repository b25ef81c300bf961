"""Ingestion end to end from local feed files: parse, clean, dedup, extract, store (articles and claims).

Each run is a fresh interpreter (so that its peak RSS is its own) ingesting generated feed files
(bench/gen_feeds.py) into a new database through kb.pipeline.run.run_once, the code `aikb ingest` runs.
The time is split by wrapping the pipeline's stages: extraction (the spaCy pass and the rules),
cleaning (item -> clean document), feed parsing, and the rest (dedup lookups, article, claims and
fetch-log writes: "store"). Loading the spaCy model is not counted. The figure the issue sets a
goal on is (total - extraction) / extraction: what store and cleaning add to the extraction time.

    .venv/bin/python bench/ingest.py --articles 10000 --runs 3
    .venv/bin/python bench/ingest.py --memory            # 100,000 articles: peak RSS, RSS over time
    .venv/bin/python bench/ingest.py --articles 2000 --db postgres
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (feed_files, feeds_dir, fresh_sqlite, median, peak_rss_mb, pg_database,  # noqa: E402
                           remove_sqlite, rss_mb, run_child)

GOAL_OVERHEAD = 0.50  # store + cleaning under 50% of the extraction time
GOAL_RSS_MB = 1500.0  # at 100,000 articles


class _Timer:
    """Wall and CPU seconds spent inside wrapped functions (CPU time is steadier on a shared machine)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.cpu[name] = self.cpu.get(name, 0.0) + time.thread_time() - cpu
        return timed


def one_run(url: str, feeds: list[Path], extract: bool, rss_every: int = 0) -> dict:
    """Ingest FEEDS into URL once, timing each stage; returns the figures."""
    from kb.db import open_engine, session_scope
    from kb.pipeline import context, items
    from kb.pipeline import run as pipeline
    from kb.settings import Settings
    from kb.pipeline.feeds import add_feed

    timer = _Timer()
    words = [0]
    nlp = None
    if extract:
        from kb.nlp.pipeline import load_nlp

        nlp = load_nlp()
        nlp("Warm-up: Aster Labs released Aster-3, which scores 74.2% on GPQA Diamond.")
    original_extractor = context.extractor

    def timed_extractor(nlp_):
        fn, store, version = original_extractor(nlp_)
        if fn is None:
            return fn, store, version
        def counted(nlp__, doc):
            words[0] += len(doc.text.split())
            return fn(nlp__, doc)

        return timer.wrap("extract", counted), timer.wrap("store_claims", store), version

    context.extractor = timed_extractor
    items.item_draft = timer.wrap("clean", items.item_draft)
    pipeline.parse_feed = timer.wrap("parse", pipeline.parse_feed)
    engine = open_engine(url)
    settings = Settings(database_url=url, host_delay=0.0)
    with session_scope(engine) as session:
        urls = [add_feed(session, str(p)).url for p in feeds]
    rss_trace: list[tuple[int, float]] = []

    def progress(done: int, total: int, _message: str) -> None:
        if rss_every and (done % rss_every == 0 or done == total):
            rss_trace.append((done, round(rss_mb(), 1)))
            # live, so that a long run that is stopped early still shows its memory curve
            print(f"rss: {done}/{total} feeds, {time.perf_counter() - started:.0f} s, {rss_trace[-1][1]} MB",
                  file=sys.stderr, flush=True)

    started, cpu_started = time.perf_counter(), time.thread_time()
    summary = pipeline.run_once(engine, settings, nlp, urls, progress)
    total, total_cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    from sqlmodel import Session, func, select

    from kb.models import Article, ScoreClaim

    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Article)).one()
        claims = session.exec(select(func.count()).select_from(ScoreClaim)).one()
    extract_s = timer.seconds.get("extract", 0.0)
    extract_cpu = timer.cpu.get("extract", 0.0)
    return {
        "articles": stored, "claims": claims, "new": summary.new, "clustered": summary.clustered,
        "duplicate": summary.duplicate, "failed": summary.failed, "seconds": round(total, 2),
        "articles_per_s": round(stored / total, 1) if total else None,
        "extract_s": round(extract_s, 2), "clean_s": round(timer.seconds.get("clean", 0.0), 2),
        "parse_s": round(timer.seconds.get("parse", 0.0), 2),
        "store_claims_s": round(timer.seconds.get("store_claims", 0.0), 2),
        "rest_s": round(total - extract_s, 2),
        "overhead": round((total - extract_s) / extract_s, 3) if extract_s else None,
        "cpu_s": round(total_cpu, 2), "extract_cpu_s": round(extract_cpu, 2),
        "store_claims_cpu_s": round(timer.cpu.get("store_claims", 0.0), 2),
        "overhead_cpu": round((total_cpu - extract_cpu) / extract_cpu, 3) if extract_cpu else None,
        "words": words[0], "extract_words_per_s": round(words[0] / extract_s) if extract_s else None,
        "peak_rss_mb": round(peak_rss_mb(), 1), "rss_trace": rss_trace,
    }


def _child(args) -> None:
    feeds = feed_files(feeds_dir(args.articles, args.per_feed))
    if args.db == "postgres":
        with pg_database("aikb_bench_ingest") as url:
            result = one_run(url, feeds, not args.no_extract, args.rss_every)
    else:
        url = fresh_sqlite("ingest")
        try:
            result = one_run(url, feeds, not args.no_extract, args.rss_every)
        finally:
            remove_sqlite(url)
    result["db"] = args.db
    print(json.dumps(result))


def measure(articles: int, runs: int, *, per_feed: int = 100, db: str = "sqlite", extract: bool = True,
            rss_every: int = 0) -> dict:
    """Median figures over RUNS fresh-process runs (the feed files are generated once, before)."""
    feeds_dir(articles, per_feed)  # generate outside the timed children
    results = []
    for _ in range(runs):
        cmd = [str(Path(__file__)), "--child", "--articles", str(articles), "--per-feed", str(per_feed),
               "--db", db, "--rss-every", str(rss_every)] + ([] if extract else ["--no-extract"])
        results.append(run_child(cmd))
    keys = ("seconds", "articles_per_s", "extract_s", "clean_s", "parse_s", "store_claims_s", "rest_s", "overhead",
            "cpu_s", "extract_cpu_s", "store_claims_cpu_s", "overhead_cpu", "extract_words_per_s")
    out = {k: median(r[k] for r in results) for k in keys}
    out.update(articles=results[0]["articles"], claims=results[0]["claims"], runs=runs, db=db,
               peak_rss_mb=max(r["peak_rss_mb"] for r in results), rss_trace=results[-1]["rss_trace"],
               words=results[0]["words"], all=[{k: r[k] for k in keys} for r in results])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--per-feed", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-extract", action="store_true", help="store and clean only (no spaCy)")
    parser.add_argument("--memory", action="store_true", help="one run of 100,000 articles: peak RSS and RSS trace")
    parser.add_argument("--rss-every", type=int, default=0, help="sample RSS every N feeds")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if args.memory:
        args.articles, args.runs = (args.articles if args.articles != 10_000 else 100_000), 1
        args.rss_every = args.rss_every or 50
    result = measure(args.articles, args.runs, per_feed=args.per_feed, db=args.db, extract=not args.no_extract,
                     rss_every=args.rss_every)
    if args.json:
        print(json.dumps(result))
        return
    print(f"ingest of {result['articles']:,} articles ({result['claims']:,} claims) on {result['db']}, "
          f"median of {result['runs']} runs")
    print(f"  articles/s            {result['articles_per_s']:.1f}")
    print(f"  total s               {result['seconds']:.1f}")
    print(f"  extraction s          {result['extract_s']:.1f}")
    print(f"  store+clean s         {result['rest_s']:.1f}  (clean {result['clean_s']:.1f}, parse "
          f"{result['parse_s']:.1f}, claims {result['store_claims_s']:.1f})")
    if result["overhead"] == result["overhead"]:
        met = "met" if result["overhead"] < GOAL_OVERHEAD else "MISSED"
        print(f"  store+clean / extract {result['overhead']:.0%} wall, {result['overhead_cpu']:.0%} CPU  "
              f"(goal < {GOAL_OVERHEAD:.0%}: {met})")
    print(f"  peak RSS MB           {result['peak_rss_mb']:.0f}")
    if result["rss_trace"]:
        print("  RSS MB by feeds done  " + ", ".join(f"{d}:{m:.0f}" for d, m in result["rss_trace"]))


if __name__ == "__main__":
    main()
