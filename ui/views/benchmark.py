"""A benchmark: the leaderboard as reported (as of a date), values over time, and disagreements."""
from datetime import datetime, time, timezone

import streamlit as st

from kb.errors import NotFound
from ui.charts import claims_frame, history_chart
from ui.common import INGEST_HINT, format_value, md_escape, options_with_current, page_setup, query, sources_markdown, unavailable

url = page_setup("Benchmarks")
if unavailable("The benchmark page", "leaderboard"):
    st.stop()

benchmarks = query(url, "facet_options").get("benchmarks", [])
if not benchmarks:
    st.info(f"No benchmarks yet: {INGEST_HINT}.")
    st.stop()
left, right = st.columns([3, 1])
bench = left.selectbox("Benchmark", options_with_current(benchmarks, "bench"), index=None,
                       accept_new_options=True, key="bench", bind="query-params",
                       placeholder="choose or type a benchmark")
as_of = right.date_input("As of", value=None, key="as_of", bind="query-params",
                         help="The leaderboard as the news reported it by the end of this day; empty for today.")
if not bench:
    st.caption(f"{len(benchmarks)} benchmarks known. Choose one to see its leaderboard.")
    st.stop()

as_of_dt = datetime.combine(as_of, time.max, tzinfo=timezone.utc) if as_of else None
try:
    rows = query(url, "leaderboard", bench, as_of=as_of_dt)
except NotFound:
    st.warning(f"No benchmark called {md_escape(bench)}: pick one from the list.")
    st.stop()
disputes = query(url, "disagreements", benchmark=bench)
disputed = {(d.model, d.qualifier or "") for d in disputes}

st.subheader(f"Leaderboard as reported{' on ' + as_of.isoformat() if as_of else ''}", anchor=False)
if rows:
    st.dataframe(
        [{
            "rank": r.rank,
            "model": r.model,
            "org": r.org or "",
            "setting": r.qualifier or "",
            "value": r.value,
            "unit": r.unit or "",
            "first reported": r.first_reported_at.replace(tzinfo=None),
            "sources": r.source_count,
            "corroboration": r.corroboration,
            "disputed": (r.model, r.qualifier or "") in disputed,
        } for r in rows],
        hide_index=True, width="stretch",
        column_config={
            "first reported": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "disputed": st.column_config.CheckboxColumn(help="Other sources report a different value"),
        },
    )
else:
    st.info("Nothing reported on this benchmark by that date.")

st.subheader("Reported values over time", anchor=False)
history = query(url, "benchmark_history", bench)
if history:
    st.altair_chart(history_chart(claims_frame(history)), width="stretch")
else:
    st.caption("No values reported yet.")

st.subheader("Disagreements", anchor=False)
if not disputes:
    st.caption("Every source agrees: no model and setting was reported with two different values.")
for d in disputes:
    setting = f" ({md_escape(d.qualifier)})" if d.qualifier else ""
    values = " vs ".join(f"**{format_value(v)}**" for v in d.values)
    with st.expander(f":red-badge[disputed] {md_escape(d.model)}{setting}: {values}"):
        for claim in d.claims:
            st.markdown(f"**{format_value(claim.value)}** reported by {md_escape(claim.reported_by) or 'unknown'}")
            st.markdown(sources_markdown(claim.sources))
