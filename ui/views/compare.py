"""Compare models across benchmarks: the best reported value per cell, its setting, its reporter, its source."""
import pandas as pd
import streamlit as st

from kb.read.compare import compare_rows
from kb.read.downloads import csv_text
from kb.errors import AikbError
from ui import reads
from ui.common import INGEST_HINT, end_of_day, format_value, md_escape, page_setup
from ui.workbench import DATE, linked

REPORTERS = ["all", "vendor", "independent", "outlet"]
PICKS = ["Models", "An organization", "Top N on a benchmark"]
OPENNESS_MARK = {"open": "open", "closed": "closed", None: "unknown"}

url = page_setup("Compare")
options = reads.facets(url)
if not options.get("models"):
    st.info(f"No models yet: {INGEST_HINT}.")
    st.stop()

pick = st.radio("Choose models by", PICKS, horizontal=True, key="pick")
models: list[str] = []
if pick == "Models":
    models = st.multiselect("Models", options["models"], key="models", placeholder="type to search models",
                            max_selections=60)
elif pick == "An organization":
    org = st.selectbox("Organization", options.get("orgs", []), index=None, key="cmp_org",
                       placeholder="type to search organizations")
    if org:
        models = reads.org_models(url, org)
        if not models:
            st.info(f"No reported scores for models of {md_escape(org)}.")
else:
    left, right = st.columns([3, 1])
    top_bench = left.selectbox("Benchmark", options.get("benchmarks", []), index=None, key="top_bench",
                               placeholder="the benchmark to rank models on")
    n = right.number_input("N", min_value=1, max_value=60, value=10, step=1, key="top_n")
    if top_bench:
        models = reads.top_models(url, top_bench, int(n))

cols = st.columns([4, 2, 1])
default_benches = reads.benchmarks_for(url, models) if models else []
benchmarks = cols[0].multiselect("Benchmarks", options.get("benchmarks", []), key="benchmarks",
                                 placeholder="the most reported for these models", max_selections=30)
reporter = cols[1].radio("Reported by", REPORTERS, horizontal=True, key="reporter",
                         help="vendor: the model's maker; independent: an evaluator; outlet: the publication")
as_of = cols[2].date_input("As of", value=None, key="cmp_as_of", help="As reported by the end of this day")
benchmarks = benchmarks or default_benches

if not models:
    st.caption("Choose models (or an organization, or the top N on a benchmark) to compare them.")
    st.stop()
if not benchmarks:
    st.info("No benchmark scores for these models yet.")
    st.stop()

try:
    table = reads.compare(url, models, benchmarks, reporter=reporter, as_of=end_of_day(as_of))
except AikbError as exc:
    st.warning(f"Cannot compare: {exc}")
    st.stop()
if table.unknown:
    st.warning("Not in the store: " + ", ".join(md_escape(n) for n in table.unknown))


def cell_text(cell) -> str:
    if cell is None:
        return ""
    unit = "" if cell.unit in (None, "", "score") else cell.unit
    value = format_value(cell.value) + (unit if unit == "%" else f" {unit}" if unit else "")
    extras = [x for x in (cell.qualifier, cell.reporter) if x]
    return value + (f" ({', '.join(extras)})" if extras else "")


matrix = pd.DataFrame([
    {"model": row.model, "openness": OPENNESS_MARK.get(row.openness, "unknown"), "org": row.org or "",
     **{bench: cell_text(cell) for bench, cell in zip(table.benchmarks, row.cells)}}
    for row in table.rows], columns=["model", "openness", "org", *table.benchmarks])
filled = sum(1 for row in table.rows for c in row.cells if c is not None)
st.caption(f"{len(table.rows)} models × {len(table.benchmarks)} benchmarks, {filled} cells reported. Each cell is "
           "the best value reported (in brackets: its setting and who reported it). Values are comparable "
           "within a benchmark and setting only. Open/closed: the model's own latest stance, else its "
           "organization's for the same model line.")
st.dataframe(matrix, hide_index=True, width="stretch",
             column_config={"openness": st.column_config.TextColumn(help="open weights, closed, or unknown")})

st.subheader("Cells and their evidence", anchor=False)
cells = pd.DataFrame([
    {"model": row.model, "openness": OPENNESS_MARK.get(row.openness, "unknown"), "benchmark": bench,
     "value": cell.value, "unit": cell.unit or "", "setting": cell.qualifier or "", "reporter": cell.reporter or "",
     "reported by": cell.reported_by or "", "hedged": cell.hedged, "first reported": cell.first_reported_at.replace(tzinfo=None),
     "evidence": cell.evidence, "source": cell.source_url, "claim": cell.claim_id}
    for row in table.rows for bench, cell in zip(table.benchmarks, row.cells) if cell is not None])
if cells.empty:
    st.info("Nothing reported for these models on these benchmarks" + (" by that reporter." if reporter != "all"
                                                                         else "."))
else:
    st.dataframe(linked(cells), hide_index=True, width="stretch", column_config={
        "first reported": DATE,
        "source": st.column_config.LinkColumn(help="The article cited for this cell"),
        "read": st.column_config.LinkColumn(display_text="read", help="The article with the claim highlighted"),
    })
header, rows = compare_rows(table)
st.download_button("Download CSV", csv_text(header, rows), file_name="aikb-compare.csv", mime="text/csv",
                   key="compare_csv", disabled=not rows)
