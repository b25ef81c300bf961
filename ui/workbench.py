"""Pieces the workbench pages share (compare, benchmark filters, reader links), kept apart from ui.common.

Untrusted text reaches the page only as dataframe cells or through ui.common's md_escape/md_link;
links only through safe_url (http/https) or as the app's own page paths built here from ids.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from ui.common import safe_url

DATE = st.column_config.DateColumn(format="YYYY-MM-DD")
SCORE_COLUMNS = {
    "value": st.column_config.NumberColumn(format="%.4g"),
    "reporter": st.column_config.TextColumn(help="vendor: the model's maker; independent: an evaluator; "
                                                 "outlet: the publication itself"),
    "outlets": st.column_config.NumberColumn(help="Corroboration: distinct original outlets reporting it"),
    "first reported": DATE,
    "source": st.column_config.LinkColumn(help="The first article that reported it"),
    "read": st.column_config.LinkColumn(display_text="read", help="The article with the claim highlighted"),
}


def reader_path(claim_id: Optional[int] = None, article_id: Optional[int] = None) -> Optional[str]:
    """The app's own link to the article reader for a claim (or an article); ids only, never text."""
    if claim_id is not None:
        return "/reader?" + urlencode({"claim": int(claim_id)})
    if article_id is not None:
        return "/reader?" + urlencode({"article": int(article_id)})
    return None


def linked(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME with its 'source' URLs made safe (http/https only) and a 'read' link per claim id."""
    out = frame.copy()
    if "source" in out:
        out["source"] = out["source"].map(safe_url)
    if "claim" in out:
        out["read"] = out["claim"].map(lambda c: reader_path(claim_id=c) if pd.notna(c) else None)
        out = out.drop(columns=["claim"])
    return out
