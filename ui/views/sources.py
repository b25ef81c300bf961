"""Sources: every feed with its health, adding a feed, importing an OPML list of feeds."""
import dataclasses

import streamlit as st

from kb.errors import AikbError
from ui.common import change, fresh, md_escape, page_setup, safe_url, unavailable

url = page_setup("Sources")
if unavailable("Sources", "sources_health"):
    st.stop()

if "sources_flash" in st.session_state:  # survives the rerun that refreshes the table
    st.success(st.session_state.pop("sources_flash"))

health = fresh(url, "sources_health")
if not health:
    st.info("No feeds yet: add one below, import an OPML file, or run `aikb demo` for the bundled sample.")
else:
    rows = [dataclasses.asdict(h) if dataclasses.is_dataclass(h) else dict(h) for h in health]
    for row in rows:
        for key in ("url", "site_url"):
            if key in row:
                row[key] = safe_url(row[key]) or row[key]
        for key, value in list(row.items()):
            if hasattr(value, "tzinfo") and value is not None:
                row[key] = value.replace(tzinfo=None)
    failing = sum(1 for r in rows if r.get("failure_count"))
    st.caption(f"{len(rows)} sources" + (f", {failing} failing" if failing else ""))
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"url": st.column_config.LinkColumn("url"),
                                "last_error": st.column_config.TextColumn("last error", width="large")})

add_col, opml_col = st.columns(2)
with add_col, st.form("add_feed", clear_on_submit=True):
    st.markdown("**Add a feed**")
    feed_url = st.text_input("Feed URL", key="feed_url", placeholder="https://example.com/feed.xml")
    if st.form_submit_button("Add feed", icon=":material/add:"):
        try:
            change(url, "add_feed", feed_url)
        except AikbError as exc:
            st.error(str(exc))
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
                result = change(url, "import_opml", upload.getvalue().decode("utf-8", errors="replace"))
            except AikbError as exc:
                st.error(str(exc))
            else:
                count = len(result) if hasattr(result, "__len__") else result
                st.session_state["sources_flash"] = f"Imported {count} feeds from {md_escape(upload.name)}."
                st.rerun()
