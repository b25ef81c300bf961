"""Feed fetching and parsing: 200 feeds of 50 items from a local server, next to plain feedparser.

aikb's path is what `aikb ingest` does per feed: `ingest.fetch.fetch` (one shared client, streamed
and capped body) then `ingest.feeds.parse_feed` (DTD defused, items normalised to FeedItems). The
baseline is a bare `feedparser.parse(path)` of the same files from disk (no network at all). Each
run times both passes back to back; the figure is the median of the per-run ratios (wall
and CPU time; CPU is the steadier one on a shared machine).
Goal (ours; the issue sets none): aikb's fetch+parse costs at most 1.5x a bare parse.

    .venv/bin/python bench/feed_parse.py --feeds 200 --items 50 --runs 3
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import feed_files, feeds_dir, median
from bench._server import FeedFileServer

GOAL_RATIO = 1.5


def measure(feeds: int = 200, items: int = 50, runs: int = 3) -> dict:
    import feedparser

    from ingest.feeds import parse_feed
    from ingest.fetch import fetch, make_client
    from ingest.options import IngestOptions
    from ingest.ssrf import origin

    files = feed_files(feeds_dir(feeds * items, items))[:feeds]
    settings = IngestOptions(host_delay=0.0)
    ours, bare, ratios, cpu_ratios, counts = [], [], [], [], []
    with FeedFileServer(files) as server:
        urls = server.urls()
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            n = 0
            with make_client(settings) as client:
                for url in urls:
                    result = fetch(url, settings, client=client, kind="feed", trusted_origin=origin(url))
                    n += len(parse_feed(result.body, result.final_url, result.content_type).items)
            a, a_cpu = time.perf_counter() - t, time.process_time() - c
            t, c = time.perf_counter(), time.process_time()
            m = sum(len(feedparser.parse(str(p)).entries) for p in files)
            b, b_cpu = time.perf_counter() - t, time.process_time() - c
            assert n == m == len(files) * items, (n, m)
            ours.append(a)
            bare.append(b)
            ratios.append(a / b)
            cpu_ratios.append(a_cpu / b_cpu)  # CPU time (this process, server thread included): steadier
            counts.append(n)
    return {"feeds": len(files), "items": counts[0], "runs": runs, "aikb_s": median(ours), "feedparser_s": median(bare),
            "aikb_feeds_per_s": len(files) / median(ours), "feedparser_feeds_per_s": len(files) / median(bare),
            "ratio": median(ratios), "cpu_ratio": median(cpu_ratios)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    r = measure(args.feeds, args.items, args.runs)
    if args.json:
        print(json.dumps(r))
        return
    print(f"{r['feeds']} feeds, {r['items']} items, median of {r['runs']} runs")
    print(f"  aikb fetch+parse_feed (local server) {r['aikb_s']:.2f} s  {r['aikb_feeds_per_s']:.1f} feeds/s")
    print(f"  feedparser.parse (files)            {r['feedparser_s']:.2f} s  {r['feedparser_feeds_per_s']:.1f} feeds/s")
    print(f"  ratio {r['ratio']:.2f}x wall, {r['cpu_ratio']:.2f}x CPU (goal <= {GOAL_RATIO}x: {'met' if r['ratio'] <= GOAL_RATIO else 'MISSED'})")


if __name__ == "__main__":
    main()
