"""Property tests: the cleaner never raises on random or adversarial input, and never leaks markup."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from ingest.clean import clean_html, clean_text
from ingest.documents import decode_bytes
from ingest.feeds import parse_feed

TAGS = st.sampled_from(["p", "div", "script", "style", "table", "li", "ul", "a", "nav", "h1", "title", "meta",
                        "html", "body", "head", "br", "iframe", "svg", "time", "link"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        attr = draw(st.sampled_from(["", ' onclick="alert(1)"', ' href="javascript:x()"', ' rel="canonical" href="//x"',
                                     ' property="og:title" content="T"', ' datetime="2026-13-45"']))
        parts.append(draw(st.sampled_from([f"<{tag}{attr}>", f"</{tag}>", draw(TEXT), "&amp;", "&#0;", "<!--", "]]>"])))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_clean_html_total_and_script_free(html):
    doc = clean_html(html, url="https://example.org/a")
    assert isinstance(doc.text, str)
    assert "alert(1)" not in doc.text and "<script" not in doc.text.lower()
    assert doc.published is None or doc.published.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=30))
def test_clean_text_total_and_invents_nothing(lines):
    raw = "\n".join(lines)
    doc = clean_text(raw)
    words = set(raw.split())
    # the cleaner only drops and joins lines: every word it outputs was in the input
    assert set(doc.text.split()) <= words
    assert set(doc.title.split()) <= words


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_decode_and_parse_never_raise(data):
    assert isinstance(decode_bytes(data), str)
    feed = parse_feed(data, "https://example.org/feed")
    assert feed.items == () or all(i is not None for i in feed.items)
