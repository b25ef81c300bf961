"""Sources: every feed with its health, adding a feed, importing an OPML list of feeds."""
import streamlit as st

from kb.errors import AikbError, InputError
from kb.pipeline.feeds import import_opml
from kb.store.sources import add_feed
from ui import reads
from ui.common import change, md_escape, page_setup, safe_url

url = page_setup("Sources")


def _naive(when):
    return when.replace(tzinfo=None) if when else None


if "sources_flash" in st.session_state:  # survives the rerun that refreshes the table
    st.success(st.session_state.pop("sources_flash"))

health = reads.sources_health(url)
if not health:
    st.info("No feeds yet: add one below, import an OPML file, or run `aikb demo` for the bundled sample.")
else:
    failing = sum(1 for h in health if h.failure_count)
    st.caption(f"{len(health)} sources, {sum(h.articles for h in health)} articles"
               + (f"; {failing} failing (see last error)" if failing else ""))
    # A dataframe shows every value as plain text: feed titles and error messages are untrusted.
    st.dataframe([{
        "title": h.title or "",
        "url": h.url,
        "articles": h.articles,
        "failures": h.failure_count,
        "last error": h.last_error or "",
        "last fetch": _naive(h.last_fetched_at),
        "last success": _naive(h.last_success_at),
        "status": h.last_status,
        "next fetch": _naive(h.next_fetch_at),
        "kind": h.kind,
        "enabled": h.enabled,
    } for h in health], hide_index=True, width="stretch",
        column_config={key: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
                       for key in ("last fetch", "last success", "next fetch")})

add_col, opml_col = st.columns(2)
with add_col, st.form("add_feed", clear_on_submit=True):
    st.markdown("**Add a feed**")
    feed_url = st.text_input("Feed URL", key="feed_url", placeholder="https://example.com/feed.xml")
    if st.form_submit_button("Add feed", icon=":material/add:"):
        try:
            # The web form takes web feeds only: a local path here would let a browser read server files.
            if safe_url(feed_url) is None:
                raise InputError("enter an http(s) feed URL (add local files with `aikb feeds add PATH`)")
            change(url, add_feed, feed_url.strip(), remote_only=True)  # kb refuses paths too
        except AikbError as exc:
            st.error(md_escape(str(exc)))  # messages quote what was typed
        else:
            st.session_state["sources_flash"] = f"Added {md_escape(feed_url)}: `aikb ingest` will fetch it."
            st.rerun()

with opml_col, st.form("import_opml", clear_on_submit=True):
    st.markdown("**Import OPML**")
    upload = st.file_uploader("OPML file", type=["opml", "xml"], key="opml_file")
    if st.form_submit_button("Import", icon=":material/upload_file:"):
        if upload is None:
            st.error("Choose an OPML file first.")
        else:
            try:
                added = change(url, import_opml, upload.getvalue())
            except AikbError as exc:
                st.error(md_escape(str(exc)))  # messages quote what was typed
            else:
                st.session_state["sources_flash"] = f"Imported {added} new feeds from {md_escape(upload.name)}."
                st.rerun()
