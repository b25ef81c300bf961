"""End to end in a real browser, through the real pipeline: `aikb demo --no-serve` and `aikb ingest --article`
fill a SQLite store, `aikb ui` serves it, Debian's chromium types a query and finds the claim.

Needs /usr/bin/chromium (scripts/setup.sh --test installs it); never `playwright install`.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"aikb ui exited early with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the UI at {base} did not come up in {timeout} s")


def settled(page, text, timeout: float = 30):
    """The one element showing TEXT (a string or a regex), once the rerun is over (Streamlit briefly keeps
    the stale copy)."""
    locator = page.get_by_text(text, exact=True) if isinstance(text, str) else page.get_by_text(text)
    locator.first.wait_for(timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while locator.count() != 1 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert locator.count() == 1, f"{locator.count()} elements show {text!r}"
    return locator


# Our own articles, ingested as saved text files (first line: the title).
CHARXIV_ARTICLE = """Kestrel Labs ships Kestrel 3 Pro with a chart-reading lead

Kestrel Labs released Kestrel 3 Pro on Monday. The company said Kestrel 3 Pro scored 86.4 on CharXiv Reasoning, \
its best result on chart questions so far.
"""
HOSTILE_TITLE = "<script>alert('x')</script> **Quillfeather** [click](javascript:alert(1)) :red[boo]"
HOSTILE_ARTICLE = f"""{HOSTILE_TITLE}

An anonymous blog posted Quillfeather notes <b>in a noisy run</b>, with no benchmark numbers at all.
"""


def aikb(*args: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`aikb ui` on a free 127.0.0.1 port, serving the sample corpus plus our CharXiv and hostile articles."""
    work = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{work / 'aikb.sqlite3'}"
    env = dict(os.environ, AIKB_DATABASE_URL=url, HOME=str(work))
    summary = aikb("demo", "--no-serve", env=env)
    assert "In the store: articles" in summary
    # re-running the demo is safe: the same store, nothing duplicated
    again = aikb("demo", "--no-serve", env=env)
    assert "articles: 0 new" in again
    assert again.splitlines()[-1] == summary.splitlines()[-1], (summary, again)
    (work / "charxiv.txt").write_text(CHARXIV_ARTICLE, encoding="utf-8")
    (work / "hostile.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    aikb("ingest", "--article", str(work / "charxiv.txt"), "--article", str(work / "hostile.txt"), env=env)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_typing_a_query_finds_the_charxiv_claim(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(served)  # the search page is the default, at the root
    box = page.get_by_label("Search", exact=True)
    box.wait_for(timeout=30_000)
    box.fill("CharXiv Reasoning")
    box.press("Enter")
    claim = settled(page, re.compile(r"^Kestrel 3 Pro · CharXiv Reasoning · 86\.4\b"))
    card = page.locator("[data-testid='stVerticalBlock']", has=claim).last  # the innermost: the claim's card
    text = card.inner_text()
    assert "scored 86.4 on CharXiv Reasoning" in text  # the evidence sentence
    assert "corroborated by 1 outlet" in text
    assert "undated, first seen" in text  # a saved text file states no date (issue 13: shown as undated)
    assert "Kestrel Labs ships Kestrel 3 Pro with a chart-reading lead" in text  # its source article
    # the search is in the address bar, so the link can be shared
    page.wait_for_function("() => location.search.includes('q=CharXiv')", timeout=10_000)
    assert "q=CharXiv+Reasoning" in page.url or "q=CharXiv%20Reasoning" in page.url
    page.close()


def test_a_shared_link_opens_the_same_search_and_hostile_text_stays_text(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{served}/?q=Quillfeather")
    expect(page.get_by_label("Search", exact=True)).to_have_value("Quillfeather", timeout=30_000)
    page.get_by_role("tab", name="Articles").click()
    settled(page, re.compile(re.escape(HOSTILE_TITLE)))  # the title, character for character, as text
    main = page.locator("[data-testid='stMain']")
    assert "<b>in a noisy run</b>" in main.inner_text()
    assert main.locator("script, b, a[href^='javascript']").count() == 0
    assert not dialogs
    page.close()


def pick(page, label: str, text: str) -> None:
    """Choose TEXT in the select box labelled LABEL, as a user types it."""
    box = page.get_by_label(label, exact=True)
    box.wait_for(timeout=30_000)
    box.click()
    box.fill(text)
    page.get_by_role("option", name=text, exact=True).first.click()


def test_compare_top_models_on_a_benchmark_and_download_the_csv(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served}/compare")
    page.get_by_text("Top N on a benchmark", exact=True).click()
    pick(page, "Benchmark", "GPQA Diamond")
    settled(page, re.compile(r"^\d+ models × \d+ benchmarks, \d+ cells reported"))
    expect(page.get_by_text("Cells and their evidence")).to_be_visible()
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8")
    header, *rows = csv_text.splitlines()
    assert header.startswith("model,org,openness,benchmark,value")
    assert any(",GPQA Diamond," in r for r in rows) and any(",open," in r for r in rows)
    page.close()


def test_the_frontier_chart_draws_beside_the_disputes(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{served}/benchmark?bench=GPQA+Diamond")
    heading = settled(page, "Frontier over time")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(timeout=30_000)
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    disputes = settled(page, "Disagreements")
    # side by side: the disputes column starts right of the chart's, on the same band of the page
    assert disputes.bounding_box()["x"] > heading.bounding_box()["x"] + 300
    assert abs(disputes.bounding_box()["y"] - heading.bounding_box()["y"]) < 60
    page.close()
