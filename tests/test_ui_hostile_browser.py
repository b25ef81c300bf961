"""Hostile links and form inputs in a real browser (Debian's chromium through Playwright), with a canary
HTTP server on 127.0.0.1 that must see no request (issue 17, rows 1 and 3).

A shared link such as `/?stance=![x](http://127.0.0.1:PORT/px)` is opened on every page of a real
`aikb ui` process (a filled store and an empty one); if any value reached the page as Markdown or
HTML, chromium would fetch the canary's image. Then the Sources page's forms are fed server paths.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kb.db import open_engine, session_scope
from kb.read.sources import sources_health
from tests._ui_fixtures import fill_store
from tests.test_ui_browser import free_port, wait_healthy

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"": ("q", "model", "org", "benchmark", "stance", "outlet", "since", "until", "page"),
         "model": ("name",), "benchmark": ("bench", "as_of"), "timeline": ("org",), "alerts": (), "sources": ()}
TITLES = {"": "Search claims", "model": "Models", "benchmark": "Benchmarks", "timeline": "Openness timeline",
          "alerts": "Alerts", "sources": "Sources"}


class Canary:
    """An HTTP server that records every request (and answers with a 1x1 GIF)."""

    GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00," \
          b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                canary.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.send_header("Content-Length", str(len(Canary.GIF)))
                self.end_headers()
                self.wfile.write(Canary.GIF)

            do_POST = do_GET  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def hostile_values(host: str) -> list[str]:
    return [
        f"![x](http://{host}/px-md) [Session expired, sign in](http://{host}/login)",
        f"<img src=\"http://{host}/px-html\"> <a href=\"http://{host}/a\">sign in</a>",
        f"[![y](http://{host}/px-nested)](http://{host}/b) :red[**alarm**]",
    ]


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


def _serve(url: str, work: Path):
    env = dict(os.environ, AIKB_DATABASE_URL=url, HOME=str(work))
    env.pop("AIKB_CONFIG", None)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, proc)
    return proc, base


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """`aikb ui` over a filled store and over an empty one."""
    work = tmp_path_factory.mktemp("hostile-browser")
    filled = fill_store(f"sqlite:///{work / 'filled.sqlite3'}")
    empty = f"sqlite:///{work / 'empty.sqlite3'}"
    open_engine(empty)
    running = {}
    try:
        for name, url in (("filled", filled), ("empty", empty)):
            running[name] = (*_serve(url, work), url)
        yield {name: (base, url) for name, (_proc, base, url) in running.items()}
    finally:
        for proc, _base, _url in running.values():
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def rendered(page, title: str) -> None:
    """Wait until the page's script has run: its title is shown and Streamlit's status says it stopped."""
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(1000)  # let any image the page might have asked for go out


def assert_nothing_points_at(page, host: str, context) -> None:
    main = page.locator("body")
    assert main.locator(f"img[src*='{host}']").count() == 0, context
    links = main.locator(f"a[href*='{host}']")
    assert links.count() == 0, (context, [links.nth(i).evaluate("e => e.outerHTML") for i in range(links.count())])
    assert main.locator(f"[style*='{host}']").count() == 0, context


def test_the_canary_sees_an_image_the_browser_loads(canary, browser):
    """The positive control: chromium here does fetch a remote image, and the canary counts it."""
    page = browser.new_page()
    before = len(canary.requests)
    page.set_content(f"<img src='http://{canary.host}/control.gif'>")
    page.wait_for_function("() => document.images[0].complete", timeout=30_000)
    assert len(canary.requests) == before + 1 and canary.requests[-1] == "/control.gif"
    page.close()


@pytest.mark.parametrize("store", ["filled", "empty"])
def test_hostile_query_parameters_fetch_nothing_on_any_page(store, servers, canary, browser):
    base, _url = servers[store]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    before = list(canary.requests)
    every = [p for ps in PAGES.values() for p in ps]
    for path, params in PAGES.items():
        values = hostile_values(canary.host)
        # every value in every parameter any page reads, at once; then the page's own parameters one
        # by one (one may stop the page before another is read), with the reported Markdown value
        combos = [{p: value for p in every} for value in values] + [{p: values[0]} for p in params]
        for query in combos:
            page.goto(f"{base}/{path}?{urlencode(query)}")
            rendered(page, TITLES[path])
            assert_nothing_points_at(page, canary.host, (store, path, query))
    assert canary.requests == before, canary.requests[len(before):]
    assert not dialogs
    page.close()


def test_the_reported_stance_link_shows_its_text(servers, canary, browser):
    base, _url = servers["filled"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    before = list(canary.requests)
    value = hostile_values(canary.host)[0]
    page.goto(f"{base}/?{urlencode({'stance': value})}")
    rendered(page, "Search claims")
    warning = page.locator("[data-testid='stAlertContentWarning']")
    warning.first.wait_for(timeout=30_000)
    text = warning.first.inner_text().replace("\u2060", "")  # word joiners keep URLs from autolinking
    assert "Session expired, sign in" in text  # shown, as the literal characters
    assert f"![x](http://{canary.host}/px-md)" in text
    assert canary.requests == before
    page.close()


def _submit(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(1000)


def test_sources_forms_take_no_server_paths(servers, canary, browser, tmp_path):
    base, url = servers["empty"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    before = list(canary.requests)
    page.goto(f"{base}/sources")
    rendered(page, "Sources")
    for typed in ["/etc/passwd", "/etc/shadow", "file:///etc/passwd", hostile_values(canary.host)[0]]:
        box = page.get_by_label("Feed URL")
        box.fill(typed)
        _submit(page, "Add feed")
        assert page.locator("[data-testid='stAlertContentError']").count() >= 1, typed
        assert_nothing_points_at(page, canary.host, typed)
    shown = []
    for name, entries in (("existing", ["/etc/passwd", "/etc/shadow"]), ("missing", ["/etc/no-such", "/no/such"])):
        opml = tmp_path / f"{name}.opml"
        opml.write_text('<opml version="2.0"><body>'
                        + "".join(f'<outline text="x" xmlUrl="{e}"/>' for e in entries) + "</body></opml>")
        page.locator("input[type='file']").set_input_files(str(opml))
        page.wait_for_timeout(1000)
        _submit(page, "Import")
        shown.append(page.locator("[data-testid='stMain']").inner_text().replace(name, "NAME"))
    assert "Imported 0 new feeds" in shown[0]
    assert shown[0] == shown[1]  # whether the paths exist or not, the page says the same
    with session_scope(open_engine(url)) as session:
        assert [h.url for h in sources_health(session)] == []
    assert canary.requests == before, canary.requests[len(before):]
    page.close()
