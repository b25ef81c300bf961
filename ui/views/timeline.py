"""The openness timeline: each organization's open-weights or closed stance events over time."""
import streamlit as st

from ui.charts import timeline_chart, timeline_frame
from ui.common import INGEST_HINT, fmt_date, md_escape, page_setup, query, safe_url, unavailable

url = page_setup("Openness timeline")
if unavailable("The timeline", "timeline"):
    st.stop()

events = query(url, "timeline")
frame = timeline_frame(events)
if frame.empty:
    st.info(f"No stance events yet: {INGEST_HINT}, or load the reference history.")
    st.stop()

orgs = st.multiselect("Organizations", sorted(frame["org"].unique()), key="org", bind="query-params",
                      placeholder="all organizations")
if orgs:
    frame = frame[frame["org"].isin(orgs)]

st.caption("Filled marks come from the news, hollow diamonds from reference data; "
           "a black ring marks a shift from the organization's previous stance.")
st.altair_chart(timeline_chart(frame), width="stretch")

shifts = frame[frame["shift"]].sort_values("date")
st.subheader("Shifts", anchor=False)
if shifts.empty:
    st.caption("No organization changed its stance in this view.")
for row in shifts.itertuples():
    arrow = "closed → open" if row.stance == "open" else "open → closed"
    what = f" ({md_escape(row.model)})" if row.model else ""
    colour = "green" if row.stance == "open" else "red"
    st.markdown(f":{colour}-badge[{arrow}] **{md_escape(row.org)}**{what} on {fmt_date(row.date)}"
                f" · {md_escape(row.origin)}")

st.subheader("Events", anchor=False)
table = frame.sort_values("date", ascending=False).assign(article=frame["article_url"].map(safe_url))
st.dataframe(table.drop(columns=["article_url"]), hide_index=True, width="stretch",
             column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                            "article": st.column_config.LinkColumn()})
