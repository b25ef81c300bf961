"""A person: their roles at organizations over time, each with the article that states it."""
import streamlit as st

from ui import reads
from ui.common import entity_page, fmt_date, md_escape, page_setup
from ui.workbench import DATE, reader_path

url = page_setup("People")
name = st.text_input("Person", key="name", bind="query-params", placeholder="a name, e.g. from an article")
if not name:
    st.caption("Type a person's name, or open one from an article or an organization.")
    st.stop()
page = entity_page(url, reads.person_page, name, "person")
if not page.roles:
    st.caption("No role stated for this person yet.")
    st.stop()
latest = page.roles[-1]
st.markdown(f"Latest: **{md_escape(latest.role) or 'role not stated'}**"
            + (f" at **{md_escape(latest.org)}**" if latest.org else "") + f", {fmt_date(latest.seen_at)}")
st.dataframe([{"org": r.org or "", "role": r.role or "", "seen": r.seen_at.replace(tzinfo=None) if r.seen_at else None,
               "evidence": r.evidence or "", "article": r.article_title or "",
               "read": reader_path(article_id=r.article_id)} for r in page.roles],
             hide_index=True, width="stretch",
             column_config={"seen": DATE, "read": st.column_config.LinkColumn(display_text="read")})
