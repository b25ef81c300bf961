"""End to end in a real browser: `aikb ui` serves the app, Debian's chromium types a query, the claim shows.

Needs /usr/bin/chromium (scripts/setup.sh --test installs it); never `playwright install`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests._ui_fixtures import fill_store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


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


def settled(page, text: str, timeout: float = 30):
    """The one element showing TEXT, once the rerun is over (Streamlit briefly keeps the stale copy)."""
    locator = page.get_by_text(text, exact=True)
    locator.first.wait_for(timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while locator.count() != 1 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert locator.count() == 1, f"{locator.count()} elements show {text!r}"
    return locator


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`aikb ui` on a free 127.0.0.1 port, serving a store that holds the CharXiv claim."""
    url = fill_store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'aikb.sqlite3'}")
    port = free_port()
    env = dict(os.environ, AIKB_DATABASE_URL=url, HOME=str(tmp_path_factory.mktemp("home")))
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


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh --test` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # imported here: only browser tests need it

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_typing_a_query_finds_the_charxiv_claim(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(served)  # the search page is the default, at the root
    box = page.get_by_label("Search", exact=True)
    box.wait_for(timeout=30_000)
    box.fill("CharXiv Reasoning")
    box.press("Enter")
    claim = settled(page, "Aurora-2 Pro · CharXiv Reasoning · 86.4")
    card = page.locator("[data-testid='stVerticalBlock']", has=claim).last  # the innermost: the claim's card
    assert "reached 86.4 on CharXiv Reasoning" in card.inner_text()
    assert "corroborated by 1 outlet" in card.inner_text()
    # the search is in the address bar, so the link can be shared
    page.wait_for_function("() => location.search.includes('q=CharXiv')", timeout=10_000)
    assert "q=CharXiv+Reasoning" in page.url or "q=CharXiv%20Reasoning" in page.url
    # the first source link is the original outlet's article
    hrefs = card.locator("a[href^='https://']").evaluate_all("els => els.map(e => e.href)")
    assert hrefs[0] == "https://signalwire.example/aurora-2-pro"
    page.close()


def test_a_shared_link_opens_the_same_search_and_hostile_text_stays_text(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{served}/?q=Quillfeather")
    settled(page, "Claims 1–1")  # only the one matching claim, so the query from the link applied
    settled(page, "Quillfeather 2 · SWE-bench Verified · 55.5")
    expect(page.get_by_label("Search", exact=True)).to_have_value("Quillfeather", timeout=10_000)
    main = page.locator("[data-testid='stMain']")
    assert "<script>alert('x')</script> **Bold** [click](javascript:alert(1)) :red[boo]" in main.inner_text()
    assert main.locator("script, b:text('in a noisy run'), a[href^='javascript']").count() == 0
    assert not dialogs
    page.close()
