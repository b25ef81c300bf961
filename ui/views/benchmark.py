"""A benchmark: the leaderboard as reported (as of a date), values over time, and disagreements."""
import streamlit as st

from kb.errors import NotFound
from ui.charts import claims_frame, history_chart
from ui.common import (
    csv_download,
    INGEST_HINT,
    end_of_day,
    facets,
    format_value,
    md_escape,
    options_with_current,
    page_setup,
    prefetch,
    query,
    sources_markdown,
    unavailable,
    widget_hint,
)

MAX_DETAILS = 10  # disagreements opened up with their sources; the table lists them all

url = page_setup("Benchmarks")
if unavailable("The benchmark page", "leaderboard"):
    st.stop()

hint = widget_hint("bench")
if hint:  # a deep link: run the page's four reads side by side rather than one after another
    prefetch(url, ("facets",), ("leaderboard", (hint,), {"as_of": end_of_day(widget_hint("as_of"))}),
             ("benchmark_history", (hint,), {}), ("disagreements", (), {"benchmark": hint}))
benchmarks = facets(url).get("benchmarks", [])
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

try:
    rows = query(url, "leaderboard", bench, as_of=end_of_day(as_of))
except NotFound:
    st.warning(f"No benchmark called {md_escape(bench)}: pick one from the list.")
    st.stop()
disputes = query(url, "disagreements", benchmark=bench)
disputed = {(d.model, d.qualifier or "") for d in disputes}

st.subheader(f"Leaderboard as reported{' on ' + as_of.isoformat() if as_of else ''}", anchor=False)
if rows:
    board = [{
            "rank": r.rank,
            "model": r.model,
            "org": r.org or "",
            "setting": r.qualifier or "",
            "value": r.value,
            "unit": r.unit or "",
            # an undated claim has no publication date to show: when aikb first saw it is its own column
            "first reported": None if r.undated else r.first_reported_at.replace(tzinfo=None),
            "first seen (undated)": r.first_reported_at.replace(tzinfo=None) if r.undated else None,
            "sources": r.source_count,
            "corroboration": r.corroboration,
            "disputed": r.disputed or (r.model, r.qualifier or "") in disputed,
        } for r in rows]
    st.dataframe(
        board,
        hide_index=True, width="stretch",
        column_config={
            "first reported": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "first seen (undated)": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "disputed": st.column_config.CheckboxColumn(help="An independent source reports a different value"),
        },
    )
    csv_download("Download CSV", board, "leaderboard.csv", key="leaderboard_csv")
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
else:
    st.dataframe([{
        "model": d.model,
        "setting": d.qualifier or "",
        "values": " vs ".join(format_value(v) for v in d.values),
        "reports": sum(len(c.sources) for c in d.claims),
        "reporters": ", ".join(sorted({c.reported_by for c in d.claims if c.reported_by})),
    } for d in disputes], hide_index=True, width="stretch")
for d in disputes[:MAX_DETAILS]:
    setting = f" ({md_escape(d.qualifier)})" if d.qualifier else ""
    values = " vs ".join(f"**{format_value(v)}**" for v in d.values)
    with st.expander(f":red-badge[disputed] {md_escape(d.model)}{setting}: {values}"):
        # one Markdown block per disagreement: hundreds of small elements would slow the page down
        st.markdown("\n\n".join(
            f"**{format_value(c.value)}** reported by {md_escape(c.reported_by) or 'unknown'}\n\n"
            + sources_markdown(c.sources) for c in d.claims))
