"""The openness timeline: each organization's open-weights or closed stance events over time."""
import streamlit as st

from ui.charts import timeline_chart, timeline_frame
from ui.common import INGEST_HINT, csv_download, fmt_date, md_escape, page_setup, query, safe_url, unavailable

TOP_ORGS = 20
MAX_SHIFTS = 25

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
    charted = frame
else:
    # Reference history covers hundreds of organizations; by default chart the busiest ones and every
    # organization the news has spoken about, and leave the rest to the filter.
    busiest = frame["org"].value_counts().index[:TOP_ORGS]
    in_news = frame.loc[frame["origin"] == "news", "org"].unique()
    charted = frame[frame["org"].isin(set(busiest) | set(in_news))]

shown_orgs, all_orgs = charted["org"].nunique(), frame["org"].nunique()
st.caption("Filled marks come from the news, hollow diamonds from reference data; "
           "a black ring marks a shift from the organization's previous stance."
           + (f" Showing {shown_orgs} of {all_orgs} organizations (the busiest and those in the news):"
              " choose organizations above to see others." if shown_orgs < all_orgs else ""))
st.altair_chart(timeline_chart(charted), width="stretch")

shifts = frame[frame["shift"]].sort_values("date", ascending=False)
st.subheader("Shifts", anchor=False)
if shifts.empty:
    st.caption("No organization changed its stance in this view.")
elif len(shifts) > MAX_SHIFTS:
    st.caption(f"The {MAX_SHIFTS} most recent of {len(shifts)} shifts; the table below lists every event.")
for row in shifts.head(MAX_SHIFTS).itertuples():
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
csv_download("Download CSV", table, "openness_events.csv", key="events_csv")
