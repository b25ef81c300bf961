"""Screenshot every page of the UI into docs/screenshots/ (Debian's chromium driven by Playwright).

Serves the app with `aikb ui` on a free 127.0.0.1 port against --db (default: a fresh SQLite file with one
alert rule, filled with `aikb demo --no-serve`, i.e. the bundled sample corpus), then opens each page as a
user would.

Usage:
    .venv/bin/python scripts/screenshots.py [--db URL] [--out docs/screenshots]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

# (file name, path and query, text to wait for before the shot, what a user does first or None)
SHOTS = [
    ("search", "/?q={bench}", "Claims 1–", None),  # the default page lives at the root
    ("model", "/model?name={model}", "Reported scores", None),
    ("benchmark", "/benchmark?bench={bench}", "Leaderboard as reported", None),
    ("compare", "/compare", "Choose models by", "compare_top"),
    ("org", "/org?name={org}", "Stance timeline", None),
    ("person", "/person?name={person}", "Latest:", None),
    ("reader", "/reader?claim={claim}", "What aikb extracted", None),
    ("timeline", "/timeline", "Shifts", None),
    ("alerts", "/alerts", "Alerts", None),
    ("sources", "/sources", "Sources", None),
    # the closing note's walkthroughs
    ("walkthrough-1-independent-open-vs-closed", "/benchmark?bench={bench}", "Leaderboard as reported",
     "independent"),
    ("walkthrough-2-every-source", "/?q={walk_model}&benchmark={bench}", "Claims 1–", None),
    ("walkthrough-3-last-shift", "/org?name={org}", "Last shift", None),
]


def act(page, action) -> None:
    """What the user does on a page before its shot."""
    if action == "compare_top":
        page.get_by_text("Top N on a benchmark", exact=True).click()
        box = page.get_by_label("Benchmark", exact=True)
        box.click()
        box.fill(ACTION_BENCH[0])
        page.get_by_role("option", name=ACTION_BENCH[0], exact=True).first.click()
        page.get_by_text("cells reported").first.wait_for(timeout=60_000)
    elif action == "independent":
        page.get_by_text("independent", exact=True).first.click()
        settle(page)


ACTION_BENCH = [""]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_ui(db_url: str, port: int) -> subprocess.Popen:
    """`aikb ui` in the background; returns once /_stcore/health answers ok."""
    env = dict(os.environ, AIKB_DATABASE_URL=db_url)
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the UI did not come up within 60 s")


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run is over: no running indicator, no skeleton placeholders, charts drawn."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)
    page.wait_for_load_state("networkidle")  # widgets' code chunks arrive lazily, showing placeholders till then
    page.wait_for_timeout(4000)  # Vega charts and lazily loaded widgets draw after the elements arrive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file with the bundled sample)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--model", help="model whose page to capture (default: the most reported one)")
    parser.add_argument("--bench", help="benchmark to search and capture (default: the most reported one)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    db_url = args.db
    if not db_url:
        db_url = f"sqlite:///{tempfile.mkdtemp(prefix='aikb-shots-')}/aikb.sqlite3"
        # a rule first, so that the alerts page has something to show once the sample is in
        subprocess.run([sys.executable, "-m", "kb.cli", "--db", db_url, "alerts", "add", "--on", "new-record",
                        "--benchmark", "GPQA Diamond", "--name", "GPQA records"], cwd=ROOT, check=True)
        subprocess.run([sys.executable, "-m", "kb.cli", "--db", db_url, "demo", "--no-serve"], cwd=ROOT, check=True)
    from urllib.parse import quote

    from kb.db import open_engine, session_scope
    from kb.read.queries import facet_options

    with session_scope(open_engine(db_url)) as session:
        facets = facet_options(session)
    model = args.model or (facets["models"] or [""])[0]
    benches = facets["benchmarks"] or [""]
    bench = args.bench or ("GPQA Diamond" if "GPQA Diamond" in benches else benches[0])
    ACTION_BENCH[0] = bench
    with session_scope(open_engine(db_url)) as session:
        from kb.read.pages import org_page, timeline
        from kb.read.search import search_claims

        hits = search_claims(session, "", benchmark=bench, limit=200)
        most = max(hits, key=lambda h: (len(h.sources), h.value), default=None)  # a claim many sources report
        claim, walk_model = (most.claim_id, most.model) if most else (0, model)
        shifts = [e for e in timeline(session) if e.is_shift and e.origin == "news" and e.org]
        org = shifts[-1].org if shifts else (facets["orgs"] or [""])[0]
        page_of_org = org_page(session, org) if org else None
        person = page_of_org.people[0].person if page_of_org and page_of_org.people else ""
        spread: dict[str, set] = {}  # the model reported on the most benchmarks: its chart has most bars
        for h in search_claims(session, "", limit=1000):
            spread.setdefault(h.model, set()).add(h.benchmark)
        model = args.model or max(spread, key=lambda m: (len(spread[m]), m), default=model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_ui(db_url, port)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1900})
            for name, path, marker, action in SHOTS:
                page.goto(f"http://127.0.0.1:{port}" + path.format(
                    model=quote(model), bench=quote(bench), org=quote(org), person=quote(person), claim=claim,
                    walk_model=quote(walk_model)))
                page.get_by_text(marker).first.wait_for(timeout=60_000)
                settle(page)
                if action:
                    act(page, action)
                    settle(page)
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
