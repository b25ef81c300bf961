"""Latency of the knowledge-base queries on a (large) store: p50 and p95 per query, in milliseconds.

Each query runs N times with varied arguments drawn from the store itself (popular and long-tail
models and benchmarks, common and rare words), through the same kb.read.queries functions the UI calls.

    .venv/bin/python bench/queries.py sqlite:///scratch/bench.sqlite3
    .venv/bin/python bench/queries.py postgresql+psycopg://postgres@127.0.0.1:5432/aikb_bench --runs 50
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, func, select  # noqa: E402

from kb.read import pages, queries, search  # noqa: E402
from kb.db import open_engine  # noqa: E402
from kb.models import Entity, ScoreClaim  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, runs: int, seed: int) -> dict:
    rnd = random.Random(seed)
    engine = open_engine(url)
    with Session(engine) as s:
        counts = {"claims": s.exec(select(func.count()).select_from(ScoreClaim)).one()}
        opts = queries.facet_options(s)
        models, benches = opts["models"], opts["benchmarks"]
        latest = s.exec(select(func.max(ScoreClaim.first_reported_at))).one()
        # the head of the Zipf distributions (facet_options lists names A-Z, not by use)
        popular = {}
        for key, column in (("models", ScoreClaim.model_id), ("benchmarks", ScoreClaim.benchmark_id)):
            top = select(column.label("eid")).group_by(column).order_by(func.count().desc()).limit(5).subquery()
            popular[key] = list(s.exec(select(Entity.name).join(top, top.c.eid == Entity.id)).all())
        orgs_with_models = list(s.exec(select(Entity.name).where(
            Entity.kind == "org", Entity.id.in_(select(Entity.org_id).where(Entity.kind == "model")))).all())

    def pick(names: list[str]) -> str:
        # half popular (head of the Zipf), half long tail
        head = popular["models"] if names is models else popular["benchmarks"]
        return rnd.choice(head) if rnd.random() < 0.5 else rnd.choice(names)

    words = ["reached", "evaluator", "developer", "pass@1", "tools", "Pro", "Ultra"]
    cases = {
        "search: word": lambda s: search.search_claims(s, pick(benches)),
        "search: common word": lambda s: search.search_claims(s, rnd.choice(words)),
        "search: words + model": lambda s: search.search_claims(s, f"{rnd.choice(words)} {pick(benches)}",
                                                                 model=pick(models)),
        "search: model facet only": lambda s: search.search_claims(s, model=pick(models)),
        "search: benchmark + dates": lambda s: search.search_claims(
            s, benchmark=pick(benches), since=latest - timedelta(days=rnd.randint(30, 400)), until=latest),
        "search: word + org + outlet": lambda s: search.search_claims(
            s, pick(benches), org=rnd.choice(orgs_with_models), outlet=rnd.choice(opts["outlets"])),
        # the harder shapes: a common word in an old, short window (ids follow dates, so the newest-first
        # walk would pass every newer match), with a stance, and paging deep
        "search: common word, old 60 days": lambda s: search.search_claims(
            s, rnd.choice(words), since=(t := latest - timedelta(days=rnd.randint(400, 1000))),
            until=t + timedelta(days=60)),
        "search: common word + stance": lambda s: search.search_claims(s, rnd.choice(words),
                                                                        stance=rnd.choice(["open", "closed"])),
        "search: outlet only": lambda s: search.search_claims(s, outlet=rnd.choice(opts["outlets"])),
        "search: common word, page 10": lambda s: search.search_claims(s, rnd.choice(words), offset=450),
        "search: articles": lambda s: search.search_articles(s, pick(models)),
        "leaderboard": lambda s: queries.leaderboard(s, pick(benches)),
        "leaderboard as of": lambda s: queries.leaderboard(s, pick(benches),
                                                           as_of=latest - timedelta(days=rnd.randint(0, 900))),
        "timeline (org)": lambda s: pages.timeline(s, rnd.choice(orgs_with_models)),
        "disagreements (benchmark)": lambda s: queries.disagreements(s, benchmark=pick(benches)),
        "model page": lambda s: pages.model_page(s, pick(models)),
        "benchmark history": lambda s: queries.benchmark_history(s, pick(benches)),
        "facet options": lambda s: queries.facet_options(s),
    }
    report = {}
    for name, case in cases.items():
        timings, sizes = [], []
        for _ in range(runs):
            with Session(engine) as s:
                t = time.perf_counter()
                result = case(s)
                timings.append((time.perf_counter() - t) * 1000)
                sizes.append(len(result) if hasattr(result, "__len__") else 1)
        report[name] = {"p50_ms": round(percentile(timings, 50), 1), "p95_ms": round(percentile(timings, 95), 1),
                        "max_ms": round(max(timings), 1), "mean_rows": round(statistics.mean(sizes), 1)}
    return {"database": engine.dialect.name, **counts, "runs": runs, "queries": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    result = run(args.url, args.runs, args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['database']}: {result['claims']:,} claims, {result['runs']} runs per query")
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'rows':>6}")
    for name, r in result["queries"].items():
        print(f"{name:32} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} {r['mean_rows']:6.0f}")


if __name__ == "__main__":
    main()
