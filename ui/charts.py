"""Altair charts and the tables behind them, built from kb's plain records (no Streamlit here)."""
from __future__ import annotations

from typing import Iterable

import altair as alt
import pandas as pd

STANCE_COLOURS = alt.Scale(domain=["open", "closed"], range=["#2e9d4f", "#c8392f"])
ORIGIN_SHAPES = alt.Scale(domain=["news", "reference"], range=["circle", "diamond"])


def _naive(when):
    # Vega-Lite reads naive timestamps as they are; all our times are UTC already.
    return when.replace(tzinfo=None) if when is not None else None


def claims_frame(hits: Iterable) -> pd.DataFrame:
    """One row per claim: the columns the score tables and charts show."""
    rows = [{
        "model": h.model,
        "org": h.org,
        "benchmark": h.benchmark,
        "value": h.value,
        "unit": h.unit or "",
        "setting": h.qualifier or "",
        "reported by": h.reported_by or "",
        "reporter": h.reporter_kind or "",
        "hedged": bool(h.hedged),
        "corroboration": h.corroboration,
        "disputed": bool(getattr(h, "disputed", False)),
        "first reported": None if getattr(h, "undated", False) else _naive(h.first_reported_at),
        "sources": len(h.sources),
    } for h in hits]
    return pd.DataFrame(rows, columns=["model", "org", "benchmark", "value", "unit", "setting", "reported by",
                                       "reporter", "hedged", "corroboration", "disputed", "first reported",
                                       "sources"])


REPORTER_LABELS = {"vendor": "vendor", "evaluator": "independent", "outlet": "outlet"}


def reporter_label(kind) -> str:
    """A reporter kind as analysts say it: vendor, independent (an evaluator) or outlet."""
    return REPORTER_LABELS.get(kind or "", kind or "")


def unit_label(unit) -> str:
    """The unit a value is comparable within: '%', 'Elo', ...; 'no unit stated' for none (or a bare 'score')."""
    return unit if unit not in (None, "", "score") else "no unit stated"


def score_table(hits: Iterable) -> pd.DataFrame:
    """Every reported score as a readable table: benchmark, value with its unit, setting, who reported it
    (and what kind of reporter), hedged, corroboration, when, and the first source's link. Best first."""
    rows = []
    for h in hits:
        unit = "" if h.unit in (None, "", "score") else h.unit
        first = h.sources[0] if h.sources else None
        rows.append({
            "benchmark": h.benchmark,
            "value": h.value,
            "unit": unit,
            "setting": h.qualifier or "",
            "reporter": reporter_label(h.reporter_kind),
            "reported by": h.reported_by or "",
            "hedged": bool(h.hedged),
            "outlets": h.corroboration,
            "sources": len(h.sources),
            "first reported": _naive(h.first_reported_at),
            "source": first.url if first else None,
            "claim": h.claim_id,
        })
    frame = pd.DataFrame(rows, columns=["benchmark", "value", "unit", "setting", "reporter", "reported by",
                                        "hedged", "outlets", "sources", "first reported", "source", "claim"])
    return frame.sort_values(["benchmark", "value"], ascending=[True, False]).reset_index(drop=True)


def search_table(hits: Iterable) -> pd.DataFrame:
    """Search results as a table, in their order: the score table's columns with the model and org first."""
    hits = list(hits)
    frame = score_table(hits)
    order = {h.claim_id: i for i, h in enumerate(hits)}
    frame = frame.assign(model=frame["claim"].map({h.claim_id: h.model for h in hits}),
                         org=frame["claim"].map({h.claim_id: h.org or "" for h in hits}),
                         _order=frame["claim"].map(order))
    frame = frame.sort_values("_order").drop(columns=["_order"]).reset_index(drop=True)
    return frame[["model", "org", *[c for c in frame.columns if c not in ("model", "org")]]]


def best_by_benchmark(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per benchmark (and unit): the best reported value, its setting, and how many reports."""
    if frame.empty:
        return pd.DataFrame(columns=["benchmark", "unit", "value", "setting", "reports", "lowest"])
    data = frame.assign(unit=frame["unit"].map(unit_label))
    best = data.sort_values("value", ascending=False).groupby(["benchmark", "unit"], as_index=False).agg(
        value=("value", "first"), setting=("setting", "first"), reports=("value", "size"), lowest=("value", "min"))
    return best.sort_values(["unit", "value"], ascending=[True, False]).reset_index(drop=True)


def scores_bar_chart(best: pd.DataFrame, unit: str) -> alt.LayerChart | alt.FacetChart:
    """One bar per benchmark, all in one UNIT, from zero on one shared axis: 52 and 86.4 look different.

    Bars of different units are never drawn on one axis (a % and an Elo are not comparable): callers
    draw one chart per unit.
    """
    data = best[best["unit"] == unit]
    order = data.sort_values("value", ascending=False)["benchmark"].tolist()
    title = "value" if unit == "no unit stated" else f"value ({unit})"
    base = alt.Chart(data).encode(
        y=alt.Y("benchmark:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=title, scale=alt.Scale(zero=True)),
        tooltip=["benchmark", "value", "unit", "setting", "reports", "lowest"],
    )
    bars = base.mark_bar(color="#4c78a8")
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("value:Q", format=",.4~f"))
    return alt.layer(bars, labels).properties(height=alt.Step(30), width=520)


UNKNOWN_ORG = "org unknown"


def timeline_row(org, model) -> str:
    """The row an event is drawn on: its org, else its model marked as of an unknown org."""
    if org:
        return org
    return f"{model or 'unnamed model'} ({UNKNOWN_ORG})"


def timeline_frame(events: Iterable, undated: bool = False) -> pd.DataFrame:
    """One row per stance event, with the columns the openness timeline shows (an event of an undated
    article only with UNDATED: a table can list it, a time axis cannot place it).

    "row" is what the chart draws it on: the org, or for an event of no known org its model ("Atlas 3
    (org unknown)"), so unknown orgs never pile up in one row; those rows sort after every org.
    """
    rows = [{
        "date": _naive(e.occurred_at),
        "row": timeline_row(e.org, e.model),
        "org": e.org or "",
        "model": e.model or "",
        "stance": e.stance,
        "license": e.license or "",
        "planned": bool(e.planned),
        "origin": e.origin,
        "source": e.reference_source or (e.article_title or ""),
        "shift": bool(e.is_shift),
        "evidence": e.evidence or "",
        "article_url": e.article_url,
    } for e in events if undated or e.occurred_at is not None]
    return pd.DataFrame(rows, columns=["date", "row", "org", "model", "stance", "license", "planned", "origin",
                                       "source", "shift", "evidence", "article_url"])


def row_order(frame: pd.DataFrame) -> list[str]:
    """Rows of a timeline frame: organizations A-Z, then the models of unknown orgs A-Z."""
    rows = frame["row"].unique().tolist()
    known = set(frame.loc[frame["org"] != "", "row"])
    return sorted(rows, key=lambda r: (r not in known, r.casefold()))


PLANNED_OFFSET = 14  # pixels below the row's line: a planned mark never sits on an actual one


def timeline_chart(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Organizations over time: marks coloured open/closed, reference data hollow diamonds, shifts ringed.

    Planned events ("will open the weights") are hollow, dashed, smaller and drawn below their row's
    line, underneath the actual events: they can never hide what an org actually did.
    """
    tooltip = [alt.Tooltip("date:T", format="%Y-%m-%d"), "org", "model", "stance", "license", "planned",
               "origin", "source"]
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True, orient="top")),
        y=alt.Y("row:N", title=None, sort=row_order(frame), axis=alt.Axis(labelLimit=240)),
    )
    planned = base.transform_filter(alt.datum.planned).mark_point(
        shape="circle", size=90, filled=False, strokeWidth=1.5, strokeDash=[3, 2], opacity=1,
        yOffset=PLANNED_OFFSET,
    ).encode(stroke=alt.Stroke("stance:N", scale=STANCE_COLOURS, title="stance"), tooltip=tooltip)
    # One layer for what happened, so the legends read stance (colour) and origin (shape); news marks
    # are filled and reference marks hollow, which keeps reference history visibly apart from the news.
    events = base.transform_filter(~alt.datum.planned).mark_point(size=140, strokeWidth=2, opacity=1).encode(
        stroke=alt.Stroke("stance:N", scale=STANCE_COLOURS, title="stance"),
        fill=alt.Fill("stance:N", scale=STANCE_COLOURS, title="stance"),
        fillOpacity=alt.FillOpacity("origin:N", scale=alt.Scale(domain=["news", "reference"], range=[1, 0]),
                                    legend=None),
        shape=alt.Shape("origin:N", scale=ORIGIN_SHAPES, title="origin"),
        tooltip=tooltip,
    )
    shifts = base.transform_filter(alt.datum.shift).mark_point(
        shape="circle", size=600, filled=False, strokeWidth=2.5, color="#222"
    ).encode(tooltip=tooltip)
    return (alt.layer(planned, events, shifts).properties(height=alt.Step(44))
            .configure_legend(orient="top", direction="horizontal"))


def frontier_frame(points: Iterable) -> pd.DataFrame:
    """One row per record-raising claim, with the app's reader link to that claim (ids only)."""
    rows = [{
        "date": _naive(p.reached_at),
        "openness": p.openness,
        "model": p.model,
        "value": p.value,
        "unit": p.unit or "",
        "setting": p.qualifier or "",
        "href": f"/reader?claim={int(p.claim_id)}",
    } for p in points]
    return pd.DataFrame(rows, columns=["date", "openness", "model", "value", "unit", "setting", "href"])


def frontier_chart(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """The best value so far over time: open and closed models as two stepped lines, each point a link."""
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title="first reported", axis=alt.Axis(format="%Y-%m-%d", labelOverlap=True)),
        y=alt.Y("value:Q", title="best value so far", scale=alt.Scale(zero=False), axis=alt.Axis(format="~g")),
        color=alt.Color("openness:N", scale=STANCE_COLOURS, title="models"),
    )
    tooltip = [alt.Tooltip("date:T", format="%Y-%m-%d"), "openness", "model", "value", "unit", "setting"]
    lines = base.mark_line(interpolate="step-after", strokeWidth=2)
    points = base.mark_point(filled=True, size=90, cursor="pointer").encode(href="href:N", tooltip=tooltip)
    return alt.layer(lines, points).properties(height=300)
