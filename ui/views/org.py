"""An organization: its models (open or closed), stance timeline, people and roles over time, latest claims."""
import streamlit as st

from ui.charts import timeline_chart, timeline_frame
from ui import reads
from ui.common import choose_name, claim_card, entity_page, fmt_date, md_escape, page_setup
from ui.workbench import DATE, reader_path

url = page_setup("Organizations")
name = choose_name(reads.facets(url).get("orgs", []), "Organization", "choose or type an organization",
                   none_yet="No organizations yet", caption="{n} organizations known.")
page = entity_page(url, reads.org_page, name, "organization")

st.subheader("Models", anchor=False)
if page.models:
    stance = reads.openness_by_name(url, list(page.models))
    st.dataframe([{"model": m, "openness": stance.get(m) or "unknown"} for m in page.models], hide_index=True,
                 width="stretch")
else:
    st.caption("No models of this organization known yet.")

st.subheader("Stance timeline", anchor=False)
frame = timeline_frame(page.timeline)
if frame.empty:
    st.caption("No licensing statement from this organization yet.")
else:
    shifts = frame[frame["shift"]].sort_values("date")
    if not shifts.empty:
        last = shifts.iloc[-1]
        arrow = "closed → open" if last["stance"] == "open" else "open → closed"
        st.markdown(f"Last shift: **{arrow}** on {fmt_date(last['date'])}"
                    + (f" ({md_escape(last['model'])})" if last["model"] else "") + f" · {md_escape(last['origin'])}")
    st.altair_chart(timeline_chart(frame), width="stretch")
    table = frame.sort_values("date", ascending=False).drop(columns=["row", "article_url"])
    st.dataframe(table, hide_index=True, width="stretch", column_config={"date": DATE})

st.subheader("People and roles over time", anchor=False)
if page.people:
    st.dataframe([{"person": r.person, "role": r.role or "", "first seen": r.seen_at.replace(tzinfo=None) if r.seen_at else None,
                   "read": reader_path(article_id=r.article_id)} for r in page.people], hide_index=True,
                 width="stretch", column_config={"first seen": DATE,
                                                 "read": st.column_config.LinkColumn(display_text="read")})
else:
    st.caption("No people named at this organization yet.")

st.subheader("Latest claims", anchor=False)
hits = reads.search_claims(url, "", org=page.name, limit=5)
if hits:
    for hit in hits:
        claim_card(hit)
else:
    st.caption("No benchmark score reported for its models yet.")
