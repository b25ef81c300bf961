"""A model: its organization, stance history, every reported score (table and chart), the people around it."""
import streamlit as st

from ui.charts import best_by_benchmark, claims_frame, score_table, scores_bar_chart, timeline_frame
from ui.workbench import SCORE_COLUMNS, linked, reader_path
from kb.errors import AikbError
from kb.store.entities import set_org
from ui import reads
from ui.common import (
    choose_name,
    change,
    csv_download,
    entity_page,
    fmt_date,
    md_escape,
    md_link,
    page_setup,
    prefetch,
    widget_hint,
)

url = page_setup("Models")
hint = widget_hint("name")
if hint:  # a deep link: fetch the page while the filter lists load
    prefetch(lambda: reads.facets(url), lambda: reads.model_page(url, hint))
name = choose_name(reads.facets(url).get("models", []), "Model", "choose or type a model name", none_yet="No models yet",
                   caption="{n} models known. Choose one to see its scores, stances and people.")

page = entity_page(url, reads.model_page, name, "model", alias_caption=False)
facts = [f"Organization: **{md_escape(page.org) or 'unknown'}**"]
if page.family:
    facts.append(f"family: {md_escape(page.family)}")
if page.aliases:
    facts.append("also written " + ", ".join(md_escape(a) for a in page.aliases))
facts.append(f"{page.article_count} articles")
st.markdown(" · ".join(facts))

with st.expander("Set the organization", expanded=not page.org):
    with st.form("set_org", clear_on_submit=True):
        org_name = st.text_input("Organization", key="set_org_name", placeholder="e.g. Northwind AI")
        if st.form_submit_button("Set organization"):
            try:
                # an analyst's choice: kept across `aikb reextract`, never replaced by extraction
                change(url, set_org, page.name, org_name)
            except AikbError as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.subheader("Stance history", anchor=False)
if page.stances:
    frame = timeline_frame(page.stances, undated=True).drop(columns=["article_url", "row"])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"date": st.column_config.DateColumn("date", format="YYYY-MM-DD")})
else:
    st.caption("No licensing statement about this model yet.")

st.subheader("Reported scores", anchor=False)
if page.scores:
    claims = claims_frame(page.scores)
    best = best_by_benchmark(claims)
    units = list(dict.fromkeys(best["unit"]))
    st.caption("The best value reported on each benchmark, one bar each. Values are comparable only within a "
               "unit, so each unit has its own chart" + (f" ({len(units)} here)." if len(units) > 1 else "."))
    for unit in units:
        st.altair_chart(scores_bar_chart(best, unit), width="content")
    score_rows = linked(score_table(page.scores))
    st.dataframe(score_rows, hide_index=True, width="stretch", column_config=SCORE_COLUMNS)
    csv_download("Download CSV", score_rows, "scores.csv", key="scores_csv")
else:
    st.caption("No benchmark score reported for this model yet.")

st.subheader("People", anchor=False)
if page.people:
    # one line per person and role, however many articles state it
    grouped: dict[tuple, list] = {}
    for row in page.people:
        grouped.setdefault((row.person, row.role or "", row.org or ""), []).append(row)
    for (person, role, org), rows in grouped.items():
        role_md = f", {md_escape(role)}" if role else ""
        org_md = f" at {md_escape(org)}" if org else ""
        seen = [f"{md_link(r.article_title, r.article_url)}, {fmt_date(r.seen_at)}" for r in rows[:3] if r.article_id]
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        st.markdown(f"- **{md_escape(person)}**{role_md}{org_md}" + (f" ({'; '.join(seen)}{more})" if seen else ""))
else:
    st.caption("No people named around this model yet.")

st.subheader("Articles", anchor=False)
articles = reads.entity_articles(url, "model", page.name)
if articles:  # a list, not a table: the page's tables are its stances and scores
    st.markdown("\n".join(
        f"- {md_escape(a.title) or 'untitled'} ({md_escape(a.outlet) or 'unknown outlet'}, "
        f"{fmt_date(a.published_at)}) · [read]({reader_path(article_id=a.article_id)})" for a in articles))
else:
    st.caption("No article about this model stored.")
