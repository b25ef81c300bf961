"""First-render time of every UI page on a given database, measured with Streamlit's AppTest.

For each page: a fresh AppTest session with the query cache emptied (what the first visitor after a
TTL expiry waits for) -> "cold"; then the same session rerun (cached query results) -> "warm".
The engine is opened once before timing, as `aikb ui` does at start. Times are the server-side
script run (queries + building the page), not the browser's drawing. Goal: cold < 2 s per page.

    .venv/bin/python bench/ui_render.py sqlite:///scratch/bench.sqlite3
    .venv/bin/python bench/ui_render.py postgresql+psycopg://postgres@127.0.0.1:5432/aikb_bench --repeat 3
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_S = 2.0


def pages_to_time(url: str) -> list[tuple[str, str, dict]]:
    """(label, page file, query params): the default view of each page and its common deep links."""
    from collections import Counter

    from kb.db import open_engine, session_scope
    from kb.read.pages import timeline
    from kb.read.search import search_claims

    # The heaviest deep links: the model, benchmark and organization that the newest claims and stance
    # events mention most (on a Zipf-shaped store these are the biggest ones).
    with session_scope(open_engine(url)) as session:
        recent = search_claims(session, "", limit=1000)
        events = timeline(session)
    model = Counter(h.model for h in recent).most_common(1)[0][0] if recent else ""
    bench = Counter(h.benchmark for h in recent).most_common(1)[0][0] if recent else ""
    org = Counter(e.org for e in events if e.org).most_common(1)[0][0] if events else ""
    return [
        ("search (newest claims)", "search", {}),
        ("search ?q=Reasoning", "search", {"q": "Reasoning"}),
        (f"search ?benchmark={bench}", "search", {"benchmark": bench}),
        ("search ?q=CharXiv&stance=open", "search", {"q": "CharXiv", "stance": "open"}),
        ("model (chooser)", "model", {}),
        (f"model ?name={model}", "model", {"name": model}),
        ("benchmark (chooser)", "benchmark", {}),
        (f"benchmark ?bench={bench}", "benchmark", {"bench": bench}),
        (f"benchmark ?bench={bench}&as_of=2025-01-01", "benchmark", {"bench": bench, "as_of": "2025-01-01"}),
        ("benchmark open + independent", "benchmark", {"bench": bench}),  # filters set in render_once
        ("compare (chooser)", "compare", {}),
        (f"compare top 10 on {bench}", "compare", {}),
        (f"org ?name={org}", "org", {"name": org}),
        ("reader ?claim=<newest>", "reader", {"claim": str(recent[0].claim_id) if recent else "0"}),
        ("timeline (all orgs)", "timeline", {}),
        (f"timeline ?org={org}", "timeline", {"org": org}),
        ("alerts", "alerts", {}),
        ("sources", "sources", {}),
    ]


def _open_independent(at) -> None:
    at.radio(key="openness").set_value("open")
    at.radio(key="board_reporter").set_value("independent")


def _compare_top(at) -> None:
    at.radio(key="pick").set_value("Top N on a benchmark")
    at.run()
    st_benches = at.selectbox(key="top_bench").options
    at.selectbox(key="top_bench").set_value(BENCH[0] or st_benches[0])


ACTIONS = {"benchmark open + independent": _open_independent, "compare top": _compare_top}
ACTION_KEY = [""]  # the label being timed (render_once's caller sets it)
BENCH = [""]


def render_once(page: str, params: dict) -> tuple[float, float, int]:
    """(cold seconds, warm seconds, number of elements) of one page in a new AppTest session."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=600)
    at.switch_page(f"views/{page}.py")
    for key, value in params.items():
        at.query_params[key] = value
    # pages whose interesting state is a widget choice, not a link: set it before the timed run
    label_actions = ACTIONS.get(ACTION_KEY[0])
    if label_actions:
        at.run()
        label_actions(at)
        st.cache_data.clear()
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page} {params} failed: {at.exception[0].value}")
    start = time.perf_counter()
    at.run()
    warm = time.perf_counter() - start
    return cold, warm, len(list(at.main))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL (for example the one bench/gen_claims.py filled)")
    parser.add_argument("--repeat", type=int, default=1, help="sessions per page; the median is reported")
    parser.add_argument("--skip", action="append", default=[], metavar="PAGE",
                        help="leave a page out (repeatable), e.g. on a store made before a later migration")
    args = parser.parse_args()
    os.environ["AIKB_DATABASE_URL"] = args.url
    import logging

    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings ("no runtime found") are noise here
    from kb.db import open_engine, session_scope
    from kb.read.stats import collect_stats

    start = time.perf_counter()
    open_engine(args.url)
    print(f"engine + migration check: {time.perf_counter() - start:.2f} s")
    with session_scope(open_engine(args.url)) as session:
        stats = collect_stats(session)
    print("store: " + ", ".join(f"{k}={v}" for k, v in stats.items() if k in ("articles", "claims", "claim_sources",
                                                                            "stance_events")))
    # Imports (streamlit's runtime, pandas, altair, kb modules) happen once per server process, not per page.
    start = time.perf_counter()
    for page in ("search", "model", "benchmark", "compare", "org", "reader", "timeline", "alerts", "sources"):
        if page not in args.skip:
            render_once(page, {})
    print(f"one-off imports and first visit of each page in this process: {time.perf_counter() - start:.2f} s")
    print(f"{'page':52} {'cold s':>8} {'warm s':>8} {'elements':>9}")
    worst = 0.0
    for label, page, params in pages_to_time(args.url):
        if page in args.skip:
            continue
        ACTION_KEY[0] = next((k for k in ACTIONS if label.startswith(k)), "")
        if page == "benchmark" and params.get("bench"):
            BENCH[0] = params["bench"]
        runs = sorted(render_once(page, params) for _ in range(max(1, args.repeat)))
        cold, warm, elements = runs[len(runs) // 2]
        worst = max(worst, cold)
        flag = "" if cold < GOAL_S else "  <- over the 2 s goal"
        print(f"{label[:52]:52} {cold:8.2f} {warm:8.2f} {elements:9d}{flag}")
    print(f"slowest cold first render: {worst:.2f} s (goal < {GOAL_S:.0f} s)")


if __name__ == "__main__":
    main()
