"""Search claims: a query box and facets, all mirrored in the URL so that a search is a shareable link."""
from datetime import datetime, time, timezone

import streamlit as st

from kb.read.downloads import csv_text
from kb.errors import AikbError
from kb.read.search import SORTS
from kb.read.workbench_search import CAP as CSV_CAP
from ui.charts import search_table as score_table_rows
from ui.workbench import SCORE_COLUMNS, linked
from ui import reads
from ui.common import (
    INGEST_HINT,
    PAGE_SIZE,
    claim_card,
    fmt_date,
    md_escape,
    md_link,
    options_with_current,
    page_setup,
)

url = page_setup("Search claims")
options = reads.facets(url)

# Every widget is bound to a query parameter of the same name (?q=CharXiv&model=...): opening such a
# link restores the search, and changing a widget updates the address bar.
q = st.text_input("Search", key="q", bind="query-params",
                  placeholder="a model, a benchmark, words of the evidence: CharXiv, GPT-5, open weights…")
cols = st.columns(5)
chosen = {}
for col, (name, label) in zip(cols, [("model", "Model"), ("org", "Organization"), ("benchmark", "Benchmark"),
                                     ("stance", "Stance"), ("outlet", "Outlet")]):
    chosen[name] = col.selectbox(label, options_with_current(options.get(f"{name}s", []), name), index=None,
                                 key=name, bind="query-params", placeholder="any",
                                 accept_new_options=name in ("model", "org", "benchmark"))
left, right, sort_col, view_col, page_col = st.columns([2, 2, 2, 2, 1])
since = left.date_input("Reported since", value=None, key="since", bind="query-params")
until = right.date_input("Reported until", value=None, key="until", bind="query-params")
sort = sort_col.selectbox("Sort by", SORTS, key="sort", bind="query-params",
                          help="date: newest first; value: highest first; corroboration: most outlets first")
view = view_col.radio("View", ["cards", "table"], horizontal=True, key="view")
page_no = page_col.number_input("Page", min_value=1, value=1, step=1, key="page", bind="query-params")

since_dt = datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None
until_dt = datetime.combine(until, time.max, tzinfo=timezone.utc) if until else None
offset = (int(page_no) - 1) * PAGE_SIZE
filters = dict(**chosen, since=since_dt, until=until_dt)
try:
    result = reads.search_result(url, q or "", sort=sort or "date", limit=PAGE_SIZE, offset=offset, **filters)
except AikbError as exc:  # e.g. "since" after "until": say so instead of failing
    st.warning(f"Cannot search: {md_escape(str(exc))}")  # it may quote the URL
    st.stop()
hits = list(result.hits)
has_more = offset + len(hits) < result.total

claims_tab, articles_tab = st.tabs(["Claims", "Articles"])
with claims_tab:
    if not hits:
        if not any(options.get(k) for k in ("models", "benchmarks")):
            st.info(f"No claims yet: {INGEST_HINT}.")
        elif page_no > 1:
            st.info("No more results: go back a page.")
        else:
            st.info("No claims match this search: remove a filter or try other words.")
    else:
        total = f"{result.total}+" if result.capped else str(result.total)
        st.caption(f"Claims {offset + 1}–{offset + len(hits)} of {total}"
                   + (" (more on the next page)" if has_more or result.capped else ""))
        if view == "table":
            st.dataframe(linked(score_table_rows(hits)), hide_index=True, width="stretch",
                         column_config=SCORE_COLUMNS)
        else:
            for hit in hits:
                claim_card(hit)
        if st.button("Prepare a CSV of all these claims", key="search_csv_prepare",
                     help=f"Every matching claim, up to {CSV_CAP}, in this order"):
            header, rows = reads.search_csv(url, q or "", sort=sort or "date", **filters)
            st.download_button(f"Download CSV ({len(rows)} claims)", csv_text(header, rows),
                               file_name="aikb-search.csv", mime="text/csv", key="search_csv")

with articles_tab:
    if not q:
        st.caption("Type words in the search box to search article titles and text.")
    else:
        articles = reads.search_articles(url, q, outlet=chosen["outlet"], since=since_dt, until=until_dt,
                         limit=PAGE_SIZE)
        if not articles:
            st.info("No article matches these words.")
        for art in articles:
            origin = f" · originally {md_escape(art.original_outlet)}" if art.original_outlet else ""
            st.markdown(f"{md_link(art.title, art.url)}  \n"
                        f"{md_escape(art.outlet) or 'unknown outlet'}{origin} · {fmt_date(art.published_at)}")
            if art.snippet:
                st.caption(md_escape(art.snippet[:300]))
