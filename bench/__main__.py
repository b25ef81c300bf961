"""Run every benchmark, print one table of figures with the goals met or missed, write docs/benchmarks.md.

    .venv/bin/python -m bench            # quick sizes: a clean clone, minutes not hours
    .venv/bin/python -m bench --full     # the issue's sizes: 10,000 and 100,000 articles, a million claims
    .venv/bin/python -m bench --only ingest,reingest --no-write
    .venv/bin/python -m bench --tiny --no-write   # a smoke test of every section

Each benchmark runs in its own interpreter and reports medians of several runs; comparisons are
ratios measured within one run. PostgreSQL sections need the server of AIKB_BENCH_PG_URL
(default the local test server) and are reported as skipped when it is down.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import PG_ADMIN_URL, PYTHON, ROOT, SCRATCH, pg_available, pg_database, run_child

SECTIONS = ("extract", "ingest", "memory", "reingest", "feeds", "queries", "workers")
QUICK = {"extract_runs": 3, "extract_repeat": 1, "ingest_articles": 300, "ingest_runs": 3, "memory_articles": 0,
         "reingest_articles": 200, "reingest_runs": 3, "feeds": 50, "feed_runs": 3, "claims": 50_000,
         "claim_articles": 10_000, "query_runs": 20, "worker_feeds": 24, "worker_runs": 2}
TINY = {"extract_runs": 1, "extract_repeat": 1, "ingest_articles": 40, "ingest_runs": 1, "memory_articles": 0,
        "reingest_articles": 40, "reingest_runs": 1, "feeds": 6, "feed_runs": 1, "claims": 3_000,
        "claim_articles": 600, "query_runs": 3, "worker_feeds": 6, "worker_runs": 1}
FULL = {"extract_runs": 5, "extract_repeat": 3, "ingest_articles": 10_000, "ingest_runs": 3,
        "memory_articles": 100_000, "reingest_articles": 1_000, "reingest_runs": 3, "feeds": 200, "feed_runs": 3,
        "claims": 1_000_000, "claim_articles": 200_000, "query_runs": 40, "worker_feeds": 40, "worker_runs": 3}


@dataclass
class Row:
    section: str
    figure: str
    value: str
    goal: str = ""
    met: bool | None = None  # None: no goal, or not measured

    @property
    def status(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


# Each section measures, or - given PREV, its details from an earlier run - only rebuilds its rows.


def _extract(sizes: dict, prev: dict | None = None) -> tuple[list[Row], dict]:
    if prev:
        out = prev["output"]
    else:
        proc = subprocess.run([PYTHON, "bench/extract_speed.py", "--runs", str(sizes["extract_runs"]),
                               "--repeat", str(sizes["extract_repeat"])], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        out = proc.stdout
    bare = re.search(r"bare nlp\.pipe\s+([\d.]+)\s+(\d+)", out)
    full = re.search(r"extract_many.*?\s+([\d.]+)\s+(\d+)\s*$", out, re.M)
    over = re.search(r"rules overhead: ([\d.\-]+)%", out)
    corpus = re.search(r"corpus: (\d+) documents, (\d+) words", out)
    overhead = float(over.group(1))
    rows = [Row("extraction", "bare nlp.pipe, words/s", bare.group(2)),
            Row("extraction", "full extraction, words/s", full.group(2)),
            Row("extraction", "rules on top of the spaCy pass", f"{overhead:.0f}%", "< 40%", overhead < 40)]
    return rows, {"output": out, "corpus": corpus.group(0) if corpus else ""}


def _ingest(sizes: dict, prev: dict | None = None) -> tuple[list[Row], dict]:
    r = prev or run_child(["bench/ingest.py", "--articles", str(sizes["ingest_articles"]), "--runs",
                   str(sizes["ingest_runs"]), "--rss-every", "10", "--json"])
    n = r["articles"]
    rows = [Row("ingest", f"articles/s end to end ({n:,} articles, SQLite)", f"{r['articles_per_s']:.1f}"),
            Row("ingest", "extraction words/s inside ingest", f"{r['extract_words_per_s']:.0f}"),
            Row("ingest", "store+clean added to extraction (wall)", f"{r['overhead']:.0%}", "< 50%", r["overhead"] < 0.5),
            Row("ingest", "store+clean added to extraction (CPU)", f"{r['overhead_cpu']:.0%}", "< 50%",
                r["overhead_cpu"] < 0.5),
            Row("ingest", f"peak RSS at {n:,} articles", f"{r['peak_rss_mb']:.0f} MB", "< 1500 MB",
                r["peak_rss_mb"] < 1500)]
    return rows, r


def _memory(sizes: dict, prev: dict | None = None) -> tuple[list[Row], dict]:
    n = sizes["memory_articles"]
    if prev:
        r = prev
    elif sizes.get("memory_result"):  # a long run measured on its own (bench/ingest.py --memory --json)
        r = json.loads(Path(sizes["memory_result"]).read_text().strip().splitlines()[-1])
    elif not n:
        return [Row("memory", "100,000-article run", "not run (quick mode; --full runs it)")], {}
    else:
        r = run_child(["bench/ingest.py", "--memory", "--articles", str(n), "--no-extract", "--rss-every", "100",
                       "--json"])
    trace = r["rss_trace"]
    growth = trace[-1][1] - trace[0][1] if len(trace) > 1 else 0.0
    rows = [Row("memory", f"peak RSS at {r['articles']:,} articles (store+clean)", f"{r['peak_rss_mb']:.0f} MB",
                "< 1500 MB", r["peak_rss_mb"] < 1500),
            Row("memory", "RSS growth from the first to the last feed", f"{growth:+.0f} MB")]
    return rows, r


def _reingest(sizes: dict, prev: dict | None = None) -> tuple[list[Row], dict]:
    r = prev or run_child(["bench/reingest.py", "--articles", str(sizes["reingest_articles"]), "--runs",
                   str(sizes["reingest_runs"]), "--json"])
    rows = [Row("re-ingest", f"first ingest ({r['articles']:.0f} articles, {r['feeds']} feeds), s", f"{r['first_s']:.1f}"),
            Row("re-ingest", "unchanged feeds, conditional GET (304)", f"{r['ratio_conditional']:.0f}x faster",
                ">= 20x", r["ratio_conditional"] >= 20),
            Row("re-ingest", "unchanged feeds, no validators (item hashes)", f"{r['ratio_hashes']:.0f}x faster",
                ">= 20x", r["ratio_hashes"] >= 20)]
    return rows, r


def _feeds(sizes: dict, prev: dict | None = None) -> tuple[list[Row], dict]:
    r = prev or run_child(["bench/feed_parse.py", "--feeds", str(sizes["feeds"]), "--items", "50", "--runs",
                   str(sizes["feed_runs"]), "--json"])
    rows = [Row("feed parsing", f"aikb fetch+parse, {r['feeds']} feeds x 50 items (local server)",
                f"{r['aikb_feeds_per_s']:.1f} feeds/s"),
            Row("feed parsing", "plain feedparser.parse on the same files", f"{r['feedparser_feeds_per_s']:.1f} feeds/s"),
            Row("feed parsing", "aikb time / feedparser time (CPU)", f"{r['cpu_ratio']:.2f}x", "<= 1.5x (ours)",
                r["cpu_ratio"] <= 1.5)]
    return rows, r


SEARCH_GOAL_MS = 100.0


def _claims_db(kind: str, sizes: dict):
    """A generated claims store: a cached SQLite file, or a fresh PostgreSQL database (context manager).

    `--claims-sqlite URL` / `--claims-pg URL` use an existing store built by bench/gen_claims.py instead.
    """
    from contextlib import contextmanager, nullcontext

    given = sizes.get(f"claims_{kind}")
    if given:
        return nullcontext(given)

    @contextmanager
    def sqlite():
        stamp = int((ROOT / "bench" / "gen_claims.py").stat().st_mtime)
        path = SCRATCH / f"claims-{sizes['claims']}-{stamp}.sqlite3"
        done = Path(f"{path}.complete")
        if not done.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            SCRATCH.mkdir(parents=True, exist_ok=True)
            subprocess.run([PYTHON, "bench/gen_claims.py", f"sqlite:///{path}", "--claims", str(sizes["claims"]),
                            "--articles", str(sizes["claim_articles"])], check=True, cwd=ROOT, capture_output=True)
            done.write_text("ok")
        yield f"sqlite:///{path}"

    @contextmanager
    def postgres():
        with pg_database("aikb_bench_claims") as url:
            subprocess.run([PYTHON, "bench/gen_claims.py", url, "--claims", str(sizes["claims"]),
                            "--articles", str(sizes["claim_articles"])], check=True, cwd=ROOT, capture_output=True)
            yield url

    return sqlite() if kind == "sqlite" else postgres()


def _queries(sizes: dict, with_pg: bool, prev: dict | None = None) -> tuple[list[Row], dict]:
    rows, details = [], {}
    for kind in ("sqlite", "postgres"):
        if prev is not None and kind in prev:
            r = prev[kind]
        elif prev is not None or (kind == "postgres" and not with_pg):
            rows.append(Row("queries", "PostgreSQL" if kind == "postgres" else "SQLite", "skipped"))
            continue
        else:
            with _claims_db(kind, sizes) as url:
                r = run_child(["bench/queries.py", url, "--runs", str(sizes["query_runs"]), "--json"])
        details[kind] = r
        gated = {k: v for k, v in r["queries"].items() if k.startswith(("search", "leaderboard"))}
        worst_name, worst = max(gated.items(), key=lambda kv: kv[1]["p95_ms"])
        p50 = max(v["p50_ms"] for v in r["queries"].values())
        label = "SQLite" if kind == "sqlite" else "PostgreSQL"
        rows.append(Row("queries", f"{label}, {r['claims']:,} claims: slowest p50 of any query", f"{p50:.0f} ms"))
        rows.append(Row("queries", f"{label}: worst search/leaderboard p95 ({worst_name})", f"{worst['p95_ms']:.0f} ms",
                        "< 100 ms", worst["p95_ms"] < SEARCH_GOAL_MS))
    return rows, details


def _workers(sizes: dict, with_pg: bool, prev: dict | None = None) -> tuple[list[Row], dict]:
    if not prev and not with_pg:
        return [Row("workers", "1 -> 2 workers", "skipped (PostgreSQL unavailable)")], {}
    r = prev or run_child(["bench/workers.py", "--feeds", str(sizes["worker_feeds"]), "--runs", str(sizes["worker_runs"]),
                   "--json"])
    rows = [Row("workers", f"1 worker, {r['feeds']} feeds, {r['delay']} s server delay: span / wall",
                f"{r['one_span_s']:.1f} s / {r['one_wall_s']:.1f} s"),
            Row("workers", "2 workers: span / wall", f"{r['two_span_s']:.1f} s / {r['two_wall_s']:.1f} s"),
            Row("workers", "speed-up 1 -> 2 workers (span; wall incl. start-up)",
                f"{r['span_speedup']:.2f}x ({r['speedup']:.2f}x)", ">= 1.6x (ours)", r["span_speedup"] >= 1.6)]
    return rows, r


def _table(rows: list[Row]) -> str:
    head = ("section", "figure", "value", "goal", "")
    widths = [max(len(head[i]), *(len(str(getattr(r, f))) for r in rows))
              for i, f in enumerate(("section", "figure", "value", "goal", "status"))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip((r.section, r.figure, r.value, r.goal, r.status),
                                                                   widths)).rstrip())
    return "\n".join(lines)


def _markdown(rows: list[Row], meta: dict, details: dict) -> str:
    out = ["# Benchmarks", "",
           "Latest results of `.venv/bin/python -m bench" + (" --full" if meta["full"] else "") + "` "
           "(rewritten by every run; see `bench/__main__.py`).", "",
           f"- run: {meta['started']} to {meta['ended']} UTC, mode {meta['mode']}",
           f"- machine: {meta['machine']}; load average at start {meta['load_start']}, at end {meta['load_end']}",
           "- every figure is the median of several runs; comparisons are ratios measured within one run.",
           "- sections measured (UTC): " + ", ".join(f"{k} {v}" for k, v in meta.get("measured", {}).items()),
           "", "| section | figure | value | goal | status |", "|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r.section} | {r.figure} | {r.value} | {r.goal} | {r.status} |")
    queries = details.get("queries") or {}
    for kind, r in queries.items():
        out += ["", f"## Query latency on {kind} ({r['claims']:,} claims, {r['runs']} runs per query)", "",
                "| query | p50 ms | p95 ms | max ms | rows |", "|---|---|---|---|---|"]
        for name, q in r["queries"].items():
            out.append(f"| {name} | {q['p50_ms']} | {q['p95_ms']} | {q['max_ms']} | {q['mean_rows']} |")
    ingest = details.get("ingest")
    if ingest:
        out += ["", "## Ingest stage split (median seconds)", "",
                "| total | extraction | clean | feed parse | claims store | everything but extraction |",
                "|---|---|---|---|---|---|",
                f"| {ingest['seconds']:.1f} | {ingest['extract_s']:.1f} | {ingest['clean_s']:.1f} | "
                f"{ingest['parse_s']:.1f} | {ingest['store_claims_s']:.1f} | {ingest['rest_s']:.1f} |"]
    for key in ("ingest", "memory"):
        trace = (details.get(key) or {}).get("rss_trace")
        if trace:
            out += ["", f"RSS (MB) by feeds done, {key} run: " + ", ".join(f"{d}: {m:.0f}" for d, m in trace)]
    out += ["", "## Notes", "",
            "- The machine is shared (2 cores, other jobs running): wall times are noisy, which is why the "
            "ingest split is also given in CPU time and the worker speed-up on the server-side span.",
            "- The memory run ingests without extraction (store and cleaning: the code that could hold "
            "articles); with extraction, the ingest row gives the peak of its (smaller) run.",
            "- Quick mode uses small corpora; `--full` runs 10,000 articles (x3), the 100,000-article memory "
            "run, 200 feeds and builds million-claim stores (hours on a small machine). "
            "`--claims-sqlite/--claims-pg` reuse stores built by `bench/gen_claims.py`."]
    if meta.get("errors"):
        out += ["", "## Errors", ""] + [f"- {e}" for e in meta["errors"]]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issue's sizes (hours on a small machine)")
    parser.add_argument("--tiny", action="store_true", help="smallest sizes: a smoke test of every section")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--claims-sqlite", metavar="URL", help="query an existing gen_claims store (SQLite)")
    parser.add_argument("--claims-pg", metavar="URL", help="query an existing gen_claims store (PostgreSQL)")
    parser.add_argument("--memory-result", metavar="FILE",
                        help="report this earlier `bench/ingest.py --memory --json` result instead of running it")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    sizes = dict(FULL if args.full else TINY if args.tiny else QUICK)
    sizes.update(claims_sqlite=args.claims_sqlite, claims_postgres=args.claims_pg, memory_result=args.memory_result)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    with_pg = pg_available() is None
    meta = {"full": args.full, "mode": "full" if args.full else "tiny" if args.tiny else "quick", "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
                       f"PostgreSQL at {PG_ADMIN_URL.split('@')[-1]}" + ("" if with_pg else " (unavailable)"),
            "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()), "errors": []}
    runners = {"extract": lambda p=None: _extract(sizes, p), "ingest": lambda p=None: _ingest(sizes, p),
               "memory": lambda p=None: _memory(sizes, p), "reingest": lambda p=None: _reingest(sizes, p),
               "feeds": lambda p=None: _feeds(sizes, p), "queries": lambda p=None: _queries(sizes, with_pg, p),
               "workers": lambda p=None: _workers(sizes, with_pg, p)}
    rows: list[Row] = []
    details: dict = {}
    # sections not run this time keep their latest figures (docs/benchmarks.md says when each was measured)
    latest = SCRATCH / "latest.json"
    previous = json.loads(latest.read_text()) if latest.exists() else {}
    measured = dict(previous.get("meta", {}).get("measured") or {})
    for name in SECTIONS:
        if name not in only:
            old = (previous.get("details") or {}).get(name)
            if old:
                try:
                    section_rows, details[name] = runners[name](old)
                    rows += section_rows
                    measured.setdefault(name, previous["meta"].get("started", "?"))
                except (KeyError, TypeError, AttributeError):
                    pass  # an older format: leave the section out
            continue
        measured[name] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
        started = time.perf_counter()
        print(f"== {name} ...", file=sys.stderr, flush=True)
        try:
            section_rows, details[name] = runners[name]()
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
            message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            section_rows = [Row(name, "error", message[:120], met=False)]
            meta["errors"].append(f"{name}: {exc}")
        rows += section_rows
        print(f"   {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    meta["measured"] = measured
    meta["ended"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    meta["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(_table(rows))
    missed = [r for r in rows if r.met is False]
    print(f"\n{sum(r.met is True for r in rows)} goals met, {len(missed)} missed")
    if not args.no_write:
        doc = ROOT / "docs" / "benchmarks.md"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text(_markdown(rows, meta, details), encoding="utf-8")
        SCRATCH.mkdir(parents=True, exist_ok=True)
        (SCRATCH / "latest.json").write_text(json.dumps({"meta": meta, "details": details}, default=str))
        print(f"wrote {doc.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
