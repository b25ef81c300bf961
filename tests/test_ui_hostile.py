"""Values from a shared link or a form are shown as text on every page (AppTest, real SQLite stores).

A hostile link such as `/?stance=![x](http://host/px) [Session expired, sign in](http://host/login)`
must never reach a page as Markdown: no element may carry an image or a link that came from it, and
the attacker's address never appears unescaped in any Markdown body. The real-browser check with a
canary image server is tests/test_ui_hostile_browser.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kb.db import open_engine
from tests._ui_fixtures import fill_store
from tests.test_ui_pages import open_page

VIEWS = Path(__file__).resolve().parent.parent / "ui" / "views"
PAGES = sorted(p.stem for p in VIEWS.glob("*.py"))
# Every query parameter a page binds or reads (checked against the page sources below).
PARAMS = ("q", "model", "org", "benchmark", "stance", "outlet", "since", "until", "page", "name", "bench", "as_of",
          "sort", "claim", "article")
EVIL_HOST = "evil.test:8123"
HOSTILE = [
    f"![x](http://{EVIL_HOST}/px) [Session expired, sign in](http://{EVIL_HOST}/login)",
    f"<img src=http://{EVIL_HOST}/px2> <a href='http://{EVIL_HOST}/a'>sign in</a>",
    f"[![y](http://{EVIL_HOST}/px3)](http://{EVIL_HOST}/b) :red[**alarm**] `code` # heading",
    f"Aurora-2 Pro\n\n![z](http://{EVIL_HOST}/px4)",
    f"<http://{EVIL_HOST}/auto> http://{EVIL_HOST}/bare",
]
MD = MarkdownIt("commonmark")


def markdown_bodies(at) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer: bodies, labels, help texts."""
    bodies = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "toast"):
        bodies.extend(str(el.value) for el in getattr(at, kind))
    for kind in ("expander", "tabs", "button", "text_input", "selectbox", "multiselect", "date_input",
                 "number_input", "toggle", "checkbox"):
        for el in getattr(at, kind):
            bodies.append(str(getattr(el, "label", "") or ""))
            bodies.append(str(getattr(el, "help", "") or ""))
    return [b for b in bodies if b]


def links_and_images(body: str) -> list[str]:
    found = []
    stack = list(MD.parse(body))
    while stack:
        token = stack.pop()
        if token.type in ("image", "link_open", "html_inline", "html_block"):
            found.append(f"{token.type}: {token.attrs or token.content}")
        stack.extend(token.children or [])
    return found


def assert_text_only(at, context: str) -> None:
    assert not at.exception, (context, at.exception)
    for body in markdown_bodies(at):
        assert EVIL_HOST not in body, (context, body)  # the address is never handed over unescaped
        hostile = [t for t in links_and_images(body) if "evil" in t]
        assert not hostile, (context, body, hostile)


def test_every_bound_query_parameter_is_in_the_table():
    """A page that binds a new URL parameter must be covered here."""
    found = set()
    for source in (p.read_text(encoding="utf-8") for p in VIEWS.glob("*.py")):
        found |= set(re.findall(r'key="(\w+)",\s*bind="query-params"', source))
        found |= set(re.findall(r'query_params(?:\.get\(|\[)"(\w+)"', source))
        if "bind=\"query-params\"" in source and "key=name" in source:  # the search page's facet loop
            found |= set(re.findall(r'\("(\w+)", "[A-Z]\w*"\)', source))
    assert found and found <= set(PARAMS), found - set(PARAMS)
    assert set().union(*READS.values()) == set(PARAMS)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-ui")
    empty = f"sqlite:///{base / 'empty.sqlite3'}"
    open_engine(empty)
    return {"filled": fill_store(f"sqlite:///{base / 'filled.sqlite3'}"), "empty": empty}


# The parameters each page reads; every page is also opened with all of them at once.
READS = {"search": ("q", "model", "org", "benchmark", "stance", "outlet", "since", "until", "page", "sort"),
         "model": ("name",), "benchmark": ("bench", "as_of"), "timeline": ("org",), "org": ("name",),
         "person": ("name",), "reader": ("claim", "article")}


@pytest.mark.parametrize("store", ["filled", "empty"])
@pytest.mark.parametrize("page", PAGES)
def test_hostile_values_in_every_parameter_stay_text(stores, page, store, monkeypatch):
    for value in HOSTILE:
        at = open_page(stores[store], page, monkeypatch, **{p: value for p in PARAMS})
        assert_text_only(at, (page, store, "all", value))
    # each parameter alone too: one may stop the page before another is read
    for param in READS.get(page, ()):
        for value in HOSTILE[:2]:
            at = open_page(stores[store], page, monkeypatch, **{param: value})
            assert_text_only(at, (page, store, param, value))


def test_the_reported_stance_link_shows_its_text_on_the_search_page(stores, monkeypatch):
    value = HOSTILE[0]
    at = open_page(stores["empty"], "search", monkeypatch, stance=value)
    assert_text_only(at, "stance")
    at = open_page(stores["filled"], "search", monkeypatch, stance=value)
    assert_text_only(at, "stance")
    messages = " ".join(re.sub(r"\\(.)", r"\1", str(w.value)) for w in at.warning)
    assert "Session expired, sign in" in messages  # echoed, but as the literal characters


# ---------------------------------------------------------------------------------------------
# Forms: Add feed, Import OPML (http(s) URLs and uploaded files only), new alert rules
# ---------------------------------------------------------------------------------------------


def press(at, label: str):
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    return at


def stored_feeds(url: str) -> list[str]:
    from kb.read.sources import sources_health

    from kb.db import session_scope

    with session_scope(open_engine(url)) as session:
        return [h.url for h in sources_health(session)]


@pytest.mark.parametrize("typed", ["/etc/passwd", "/etc/shadow", "file:///etc/passwd", "~/.ssh/id_rsa",
                                   "../../etc/hosts", "http://[::1", HOSTILE[0], HOSTILE[1]])
def test_add_feed_takes_http_urls_only(typed, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    open_engine(url)
    at = open_page(url, "sources", monkeypatch)
    at.text_input(key="feed_url").input(typed)
    press(at, "Add feed")
    assert_text_only(at, typed)
    assert at.error, "the refusal is shown"
    assert stored_feeds(url) == []


def test_import_opml_adds_no_server_path_and_reveals_none(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    open_engine(url)
    at = open_page(url, "sources", monkeypatch)
    answers = []
    for entries in (["/etc/passwd"], ["/etc/no-such-file"], ["file:///etc/shadow"], ["file:///etc/no-such"],
                    [str(tmp_path / "forms.sqlite3")]):
        body = "".join(f'<outline type="rss" text="x" xmlUrl="{e}"/>' for e in entries)
        at.file_uploader(key="opml_file").set_value(("list.opml", f'<opml version="2.0"><body>{body}</body></opml>'.encode(),
                                                    "text/x-opml"))
        press(at, "Import")
        assert not at.exception, at.exception
        answers.append([str(s.value) for s in at.success] + [str(e.value) for e in at.error])
    assert all(a == answers[0] for a in answers), answers  # existing and missing paths look the same
    assert stored_feeds(url) == []
    mixed = (f'<opml version="2.0"><body><outline xmlUrl="/etc/passwd"/><outline xmlUrl="http://{EVIL_HOST}/f.xml"/>'
             '<outline xmlUrl="https://halcyon.example/feed.xml"/></body></opml>').encode()
    at.file_uploader(key="opml_file").set_value(("mixed.opml", mixed, "text/x-opml"))
    press(at, "Import")
    assert_text_only(at, "opml")
    assert sorted(stored_feeds(url)) == [f"http://{EVIL_HOST}/f.xml", "https://halcyon.example/feed.xml"]


def test_a_hostile_alert_rule_form_shows_its_error_as_text(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    open_engine(url)
    at = open_page(url, "alerts", monkeypatch)
    at.text_input(key="rule_webhook").input(f"javascript:{HOSTILE[0]}")
    at.text_input(key="rule_email").input(HOSTILE[1])
    press(at, "Add rule")
    assert_text_only(at, "rule form")
    assert at.error


@pytest.mark.parametrize("text", [
    "sign in at http://evil.test/login now", "HTTPS://evil.test/x", "see www.evil.test/offer",
    "mail desk@evil.test today", "ftp://evil.test/a mailto:desk@evil.test xmpp:desk@evil.test",
    "(http://evil.test/paren)", "*www.evil.test*",
])
def test_bare_urls_and_addresses_in_text_do_not_become_autolinks(text):
    """GFM links bare URLs, www. names and e-mail addresses found in text, after escapes are read;
    a word joiner inside each keeps them text, and the visible text is unchanged."""
    from ui.common import md_escape

    out = re.sub(r"\\(.)", r"\1", md_escape(text))
    assert not re.search(r"(?i)(https?|ftp|mailto|xmpp):|www\.|[-.\w+]@", out), out
    assert out.replace("\u2060", "") == text
