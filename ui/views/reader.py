"""The article reader: an article's cleaned text with every extracted claim, stance and person highlighted.

Opened from any claim (?claim=ID, the article that first reported it, original outlet first) or an
article (?article=ID). The text is untrusted: it is escaped piece by piece (ui.workbench.reader_markdown),
never rendered as HTML or Markdown of its own.
"""
import streamlit as st

from ui import reads
from ui.common import PAGES_DIR, fmt_date, md_escape, md_link, page_setup
from ui.workbench import mark_colour, reader_markdown

url = page_setup("Article reader")


def param_id(name: str):
    raw = st.query_params.get(name)
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


claim_id, article_id = param_id("claim"), param_id("article")
if claim_id is None and article_id is None:
    choices = reads.recent_articles(url)
    if not choices:
        st.info("No articles yet: run `aikb ingest` (or `aikb demo` for the bundled sample).")
        st.stop()
    labels = {c.article_id: f"{c.title or 'untitled'} ({c.outlet or 'unknown outlet'}, {fmt_date(c.published_at)})"
              for c in choices}
    article_id = st.selectbox("Article", list(labels), format_func=labels.get, index=None, key="reader_article",
                              placeholder="choose an article, or open one from any claim")
    if article_id is None:
        st.caption("Every claim on the Search, Models, Benchmarks and Compare pages links here.")
        st.stop()

article = reads.reader_article(url, article_id, claim_id=claim_id)
if article is None:
    st.warning("No such article or claim in the store.")
    st.stop()

st.header(md_escape(article.title) or "untitled", anchor=False)
origin = f", originally {md_escape(article.original_outlet)}" if article.original_outlet else ""
st.markdown(f"{md_escape(article.outlet) or 'unknown outlet'}{origin} · {fmt_date(article.published_at)} · "
            f"{md_link('original article', article.url)}")
counts = {k: sum(1 for m in article.marks if m.kind == k) for k in ("claim", "stance", "person")}
st.caption(f"{counts['claim']} score claims (orange), {counts['stance']} stances (green open, red closed, "
           f"violet planned), {counts['person']} people (blue); each numbered as in the list below."
           + (" The claim you came from is in bold." if article.focus_claim else ""))

text_col, marks_col = st.columns([3, 2])
with text_col:
    with st.container(border=True):
        st.markdown(reader_markdown(article.text, article.marks, article.focus_claim) or "_(no text stored)_")
with marks_col:
    st.subheader("What aikb extracted", anchor=False)
    if not article.marks:
        st.caption("Nothing was extracted from this article.")
    for i, mark in enumerate(article.marks, 1):
        where = "" if mark.start >= 0 else " (not found in the text)"
        focus = " **← this claim**" if mark.claim_id is not None and mark.claim_id == article.focus_claim else ""
        st.markdown(f":{mark_colour(mark)}-badge[{i}] {md_escape(mark.kind)}: {md_escape(mark.label)}{where}{focus}")
        links = []
        if mark.model:
            links.append(("model", "name", mark.model, ":material/smart_toy:"))
        if mark.benchmark:
            links.append(("benchmark", "bench", mark.benchmark, ":material/leaderboard:"))
        if mark.org:
            links.append(("org", "name", mark.org, ":material/apartment:"))
        if mark.person:
            links.append(("person", "name", mark.person, ":material/person:"))
        if links:
            cols = st.columns(len(links))
            for col, (page, param, name, icon) in zip(cols, links):
                col.page_link(PAGES_DIR / f"{page}.py", label=md_escape(name), icon=icon,
                              query_params={param: name})
