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
        "first reported": _naive(h.first_reported_at),
        "sources": len(h.sources),
    } for h in hits]
    return pd.DataFrame(rows, columns=["model", "org", "benchmark", "value", "unit", "setting", "reported by",
                                       "reporter", "hedged", "corroboration", "first reported", "sources"])


def scores_by_benchmark_chart(frame: pd.DataFrame) -> alt.Chart:
    """A model's scores: one row per benchmark, each with its own value axis (Elo and % do not mix)."""
    base = alt.Chart(frame).mark_point(filled=True, size=90).encode(
        x=alt.X("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.1~f", tickCount=5)),
        color=alt.Color("hedged:N", title="hedged", scale=alt.Scale(domain=[False, True],
                                                                    range=["#1f77b4", "#ff9f1c"])),
        tooltip=["benchmark", "value", "unit", "setting", "reported by", "hedged", "corroboration",
                 alt.Tooltip("first reported:T", format="%Y-%m-%d")],
    ).properties(height=32, width=520)
    return base.facet(row=alt.Row("benchmark:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
                      ).resolve_scale(x="independent")


def history_chart(frame: pd.DataFrame) -> alt.Chart:
    """Reported values on one benchmark over time, one colour per model."""
    return alt.Chart(frame).mark_circle(size=80).encode(
        x=alt.X("first reported:T", title="first reported", axis=alt.Axis(format="%Y-%m-%d", labelOverlap=True)),
        y=alt.Y("value:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("model:N", legend=alt.Legend(columns=1, symbolLimit=30)),
        tooltip=["model", "value", "unit", "setting", "reported by", "hedged", "corroboration",
                 alt.Tooltip("first reported:T", format="%Y-%m-%d")],
    ).properties(height=320)


UNKNOWN_ORG = "org unknown"


def timeline_row(org, model) -> str:
    """The row an event is drawn on: its org, else its model marked as of an unknown org."""
    if org:
        return org
    return f"{model or 'unnamed model'} ({UNKNOWN_ORG})"


def timeline_frame(events: Iterable) -> pd.DataFrame:
    """One row per stance event, with the columns the openness timeline shows.

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
    } for e in events if e.occurred_at is not None]
    return pd.DataFrame(rows, columns=["date", "row", "org", "model", "stance", "license", "planned", "origin",
                                       "source", "shift", "evidence", "article_url"])


def row_order(frame: pd.DataFrame) -> list[str]:
    """Rows of a timeline frame: organizations A-Z, then the models of unknown orgs A-Z."""
    rows = frame["row"].unique().tolist()
    known = set(frame.loc[frame["org"] != "", "row"])
    return sorted(rows, key=lambda r: (r not in known, r.casefold()))


PLANNED_OFFSET = 14  # pixels below the row's line: a planned mark never sits on an actual one


def timeline_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Organizations over time: marks coloured open/closed, reference data hollow diamonds, shifts ringed.

    Planned events ("will open the weights") are hollow, dashed, smaller and drawn below their row's
    line, underneath the actual events: they can never hide what an org actually did.
    """
    tooltip = [alt.Tooltip("date:T", format="%Y-%m-%d"), "org", "model", "stance", "license", "planned",
               "origin", "source"]
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True, orient="top")),
        y=alt.Y("row:N", title=None, sort=row_order(frame)),
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
