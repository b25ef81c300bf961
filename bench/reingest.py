"""First ingest against re-ingest of unchanged feeds served from a local HTTP server (127.0.0.1).

One run: a fresh SQLite store, the generated feeds served with ETag/Last-Modified; the first
`run_once` stores and extracts every article; the second sends conditional GETs and gets 304s;
the third runs against the same server with validators switched off (200 with the full body
every time), so only the stored item hashes (URL, GUID) keep it from re-doing the work. Ratios are
first / re-ingest within the same run; the table shows medians over runs. Goal: >= 20x.

    .venv/bin/python bench/reingest.py --articles 500 --runs 3
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import feed_files, feeds_dir, fresh_sqlite, median, remove_sqlite  # noqa: E402
from bench._server import FeedFileServer  # noqa: E402

GOAL_RATIO = 20.0


def one_run(feeds: list[Path], nlp) -> dict:
    from kb.db import open_engine, session_scope
    from kb.pipeline.run import run_once
    from kb.settings import Settings
    from kb.pipeline.feeds import add_feed

    url = fresh_sqlite("reingest")
    try:
        engine = open_engine(url)
        settings = Settings(database_url=url, host_delay=0.0)
        with FeedFileServer(feeds) as server:
            with session_scope(engine) as session:
                urls = [add_feed(session, u).url for u in server.urls()]
            t = time.perf_counter()
            first = run_once(engine, settings, nlp, urls)
            first_s = time.perf_counter() - t
            t = time.perf_counter()
            second = run_once(engine, settings, nlp, urls)
            conditional_s = time.perf_counter() - t
            server.validators = False
            t = time.perf_counter()
            third = run_once(engine, settings, nlp, urls)
            hashes_s = time.perf_counter() - t
        engine.dispose()
    finally:
        remove_sqlite(url)
    assert second.not_modified == len(feeds), second.line()
    assert second.new == third.new == 0, (second.line(), third.line())
    return {"first_s": first_s, "conditional_s": conditional_s, "hashes_s": hashes_s,
            "articles": first.new + first.clustered,
            "ratio_conditional": first_s / conditional_s, "ratio_hashes": first_s / hashes_s}


def measure(articles: int, runs: int, per_feed: int = 50, extract: bool = True) -> dict:
    """Median figures over RUNS runs in this process (the spaCy model is loaded once, untimed)."""
    feeds = feed_files(feeds_dir(articles, per_feed))
    nlp = None
    if extract:
        from kb.nlp.pipeline import load_nlp

        nlp = load_nlp()
        nlp("Warm-up: Aster Labs released Aster-3, which scores 74.2% on GPQA Diamond.")
    results = [one_run(feeds, nlp) for _ in range(runs)]
    out = {k: median(r[k] for r in results) for k in results[0]}
    out.update(runs=runs, feeds=len(feeds), extract=extract)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--per-feed", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-extract", action="store_true", help="first ingest without spaCy (a harder ratio)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    r = measure(args.articles, args.runs, args.per_feed, not args.no_extract)
    if args.json:
        print(json.dumps(r))
        return
    print(f"re-ingest of {r['feeds']} unchanged feeds ({r['articles']:.0f} articles), median of {r['runs']} runs")
    print(f"  first ingest s               {r['first_s']:.2f}")
    print(f"  re-ingest, conditional GET s {r['conditional_s']:.3f}  ratio {r['ratio_conditional']:.0f}x")
    print(f"  re-ingest, no validators s   {r['hashes_s']:.3f}  ratio {r['ratio_hashes']:.0f}x")
    for name in ("ratio_conditional", "ratio_hashes"):
        print(f"  {name}: goal >= {GOAL_RATIO:.0f}x: {'met' if r[name] >= GOAL_RATIO else 'MISSED'}")


if __name__ == "__main__":
    main()
