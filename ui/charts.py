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


def timeline_frame(events: Iterable) -> pd.DataFrame:
    """One row per stance event, with the columns the openness timeline shows."""
    rows = [{
        "date": _naive(e.occurred_at),
        "org": e.org or "(unknown)",
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
    return pd.DataFrame(rows, columns=["date", "org", "model", "stance", "license", "planned", "origin",
                                       "source", "shift", "evidence", "article_url"])


def timeline_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Organizations over time: marks coloured open/closed, reference data hollow diamonds, shifts ringed."""
    tooltip = [alt.Tooltip("date:T", format="%Y-%m-%d"), "org", "model", "stance", "license", "planned",
               "origin", "source"]
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True, orient="top")),
        y=alt.Y("org:N", title=None, sort="ascending"),
    )
    # One layer, so the legends read stance (colour) and origin (shape); news marks are filled and
    # reference marks hollow, which keeps reference history visibly apart from what the news said.
    events = base.mark_point(size=140, strokeWidth=2, opacity=1).encode(
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
    return (alt.layer(events, shifts).properties(height=alt.Step(44))
            .configure_legend(orient="top", direction="horizontal"))
