"""A benchmark: the leaderboard as reported (as of a date, filtered), the frontier over time, disagreements."""
import pandas as pd
import streamlit as st

from kb.errors import NotFound
from ui.charts import frontier_chart, frontier_frame
from ui.workbench import SCORE_COLUMNS, linked
from ui import reads
from ui.common import (
    csv_download,
    INGEST_HINT,
    end_of_day,
    format_value,
    md_escape,
    options_with_current,
    page_setup,
    prefetch,
    sources_markdown,
    widget_hint,
)

MAX_DETAILS = 10  # disagreements opened up with their sources; the table lists them all

url = page_setup("Benchmarks")
ALL = "all settings"
hint = widget_hint("bench")
if hint:  # a deep link or a filter change: run the page's reads side by side rather than one after another,
    # the leaderboard and frontier with the filters the widgets below will hold (the same cache keys)
    chosen_setting = st.session_state.get("board_setting", ALL)
    hinted = dict(as_of=end_of_day(widget_hint("as_of")), reporter=widget_hint("board_reporter") or "all",
                  setting=None if chosen_setting == ALL else chosen_setting)
    prefetch(lambda: reads.frontier(url, hint, **hinted),  # the slowest first
             lambda: reads.board(url, hint, as_of=hinted["as_of"], openness=widget_hint("openness") or "all",
                                 reporter=hinted["reporter"], setting=hinted["setting"]),  # the page's keyword order
             lambda: reads.facets(url), lambda: reads.benchmark_settings(url, hint),
             lambda: reads.disagreements(url, benchmark=hint))
benchmarks = reads.facets(url).get("benchmarks", [])
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

f1, f2, f3 = st.columns([1, 1, 2])
openness = f1.radio("Models", ["all", "open", "closed"], horizontal=True, key="openness",
                    help="Open weights or closed: the model's own latest stance, else its org's for the same line")
reporter = f2.radio("Reported by", ["all", "vendor", "independent"], horizontal=True, key="board_reporter",
                    help="vendor: the model's maker; independent: an evaluator that ran it")
try:
    settings = reads.benchmark_settings(url, bench)
except NotFound:
    st.warning(f"No benchmark called {md_escape(bench)}: pick one from the list.")
    st.stop()
setting_choice = f3.selectbox("Setting", [ALL, *settings], key="board_setting",
                              format_func=lambda s: s if s else "(none stated)",
                              help="Values are ranked within one setting and unit; ties share a rank")
setting = None if setting_choice == ALL else setting_choice
filtered = openness != "all" or reporter != "all" or setting is not None

rows = reads.board(url, bench, as_of=end_of_day(as_of), openness=openness, reporter=reporter, setting=setting)
disputes = reads.disagreements(url, benchmark=bench)
disputed = {(d.model, d.qualifier or "") for d in disputes}

st.subheader(f"Leaderboard as reported{' on ' + as_of.isoformat() if as_of else ''}", anchor=False)
if rows:
    st.caption("Each row is the best value reported for a model in one setting and unit; ranks count within a "
               "setting and a unit (a % is not ranked against a plain score; the most used unit comes first) "
               "and equal values share a rank (=). Disputed: another source reported a different value.")
    board = pd.DataFrame([{
        "rank": f"={r.rank}" if r.tied else str(r.rank),
        "model": r.model,
        "openness": r.openness or "unknown",
        "org": r.org or "",
        "setting": r.qualifier or "",
        "value": r.value,
        "unit": r.unit or "",
        "reporter": r.reporter or "",
        "reported by": r.reported_by or "",
        "first reported": r.first_reported_at.replace(tzinfo=None),
        "sources": r.source_count,
        "corroboration": r.corroboration,
        "disputed": (r.model, r.qualifier or "") in disputed,
        "source": r.source_url,
        "claim": r.claim_id,
    } for r in rows])
    st.dataframe(linked(board), hide_index=True, width="stretch", column_config={
        **SCORE_COLUMNS,
        "disputed": st.column_config.CheckboxColumn(help="Other sources report a different value"),
    })
    csv_download("Download CSV", board.drop(columns=["claim"]), "leaderboard.csv", key="leaderboard_csv")
elif filtered:
    st.info("No model passes these filters: choose all models, all reporters or all settings.")
else:
    st.info("Nothing reported on this benchmark by that date.")

chart_col, dispute_col = st.columns([3, 2])
with chart_col:
    st.subheader("Frontier over time", anchor=False)
    points = reads.frontier(url, bench, as_of=end_of_day(as_of), reporter=reporter, setting=setting)
    if points:
        st.caption("The best value reported so far, for open and for closed models (models of unknown openness "
                   "are left out). Each point is the claim that raised the record; click it to read it.")
        st.altair_chart(frontier_chart(frontier_frame(points)), width="stretch")
    else:
        st.caption("No value reported yet for a model known to be open or closed.")
with dispute_col:
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
