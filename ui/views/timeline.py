"""The openness timeline: each organization's open-weights or closed stance events over time."""
import streamlit as st

from ui.charts import row_order, timeline_chart, timeline_frame
from ui import reads
from ui.common import INGEST_HINT, csv_download, fmt_date, md_escape, page_setup, safe_url

TOP_ORGS = 20
MAX_SHIFTS = 25

url = page_setup("Openness timeline")
events = reads.timeline(url)
frame = timeline_frame(events)
if frame.empty:
    st.info(f"No stance events yet: {INGEST_HINT}, or load the reference history.")
    st.stop()

layer_cols = st.columns([1, 1, 4])
show_news = layer_cols[0].toggle("News", value=True, key="layer_news",
                                 help="Stances stated in the articles aikb read")
show_reference = layer_cols[1].toggle("Reference data", value=True, key="layer_reference",
                                      help="History before the news, from Epoch AI and LLM-Stats")
layers = [origin for origin, on in (("news", show_news), ("reference", show_reference)) if on]
frame = frame[frame["origin"].isin(layers)]
if frame.empty:
    st.info("Nothing to show: turn on the news or the reference layer.")
    st.stop()

orgs = st.multiselect("Organizations", row_order(frame), key="org", bind="query-params",
                      placeholder="all organizations")
if orgs:
    frame = frame[frame["row"].isin(orgs)]
    charted = frame
else:
    # Reference history covers hundreds of organizations; by default chart the busiest ones and every
    # organization the news has spoken about, and leave the rest to the filter.
    busiest = frame.loc[frame["org"] != "", "row"].value_counts().index[:TOP_ORGS]
    in_news = frame.loc[frame["origin"] == "news", "row"].unique()
    charted = frame[frame["row"].isin(set(busiest) | set(in_news))]

shown_orgs, all_orgs = charted["row"].nunique(), frame["row"].nunique()
st.caption("Filled marks come from the news, hollow diamonds from reference data; planned events "
           "(\"will open the weights\") are small dashed circles just below their row. A black ring marks a "
           "shift: the org's stance for the same model line changed, or its news broke with the stance it "
           "mostly took before. Models of unknown organizations have rows of their own, at the end."
           + (f" Showing {shown_orgs} of {all_orgs} rows (the busiest organizations and those in the news):"
              " choose organizations above to see others." if shown_orgs < all_orgs else ""))
if frame.empty:
    st.info("No stance events for this choice.")
    st.stop()
st.altair_chart(timeline_chart(charted), width="stretch")

shifts = frame[frame["shift"]].sort_values("date", ascending=False)
st.subheader(f"Shifts ({len(shifts)})", anchor=False)
if shifts.empty:
    st.caption("No organization changed its stance in this view.")
elif len(shifts) > MAX_SHIFTS:
    st.caption(f"The {MAX_SHIFTS} most recent of {len(shifts)} shifts; the table below lists every event.")
for row in shifts.head(MAX_SHIFTS).itertuples():
    arrow = "closed → open" if row.stance == "open" else "open → closed"
    what = f" ({md_escape(row.model)})" if row.model and row.org else ""
    colour = "green" if row.stance == "open" else "red"
    st.markdown(f":{colour}-badge[{arrow}] **{md_escape(row.row)}**{what} on {fmt_date(row.date)}"
                f" · {md_escape(row.origin)}")

st.subheader("Events", anchor=False)
table = frame.sort_values("date", ascending=False).assign(article=frame["article_url"].map(safe_url))
st.dataframe(table.drop(columns=["article_url", "row"]), hide_index=True, width="stretch",
             column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                            "article": st.column_config.LinkColumn()})
csv_download("Download CSV", table.drop(columns=["row"]), "openness_events.csv", key="events_csv")
