"""The aikb analysts' app: the router. Each page lives in ui/views/ and only reads through kb.

The folder is not called pages/: Streamlit treats a pages/ folder next to the entrypoint as the legacy
multipage layout and then runs page files directly, bypassing st.navigation (and this router).

Run with `aikb ui` (or `streamlit run ui/app.py`); the database comes from AIKB_DATABASE_URL.
"""
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="aikb", page_icon=":material/hub:", layout="wide")
# The dataframes' built-in CSV export writes cells raw (formula injection); the pages offer
# downloads written by kb/csv_safe.py instead (ui.common.csv_download).
st.set_option("client.disableDataExport", True)


def _page(name: str, title: str, icon: str, **kw) -> st.Page:
    return st.Page(HERE / "views" / f"{name}.py", title=title, icon=f":material/{icon}:", url_path=name, **kw)


PAGES = {
    "Explore": [
        _page("search", "Search claims", "search", default=True),
        _page("model", "Models", "smart_toy"),
        _page("benchmark", "Benchmarks", "leaderboard"),
        _page("compare", "Compare", "table_chart"),
        _page("org", "Organizations", "apartment"),
        _page("person", "People", "person"),
        _page("reader", "Article reader", "article"),
        _page("timeline", "Openness timeline", "timeline"),
    ],
    "Watch": [
        _page("alerts", "Alerts", "notifications"),
        _page("sources", "Sources", "rss_feed"),
    ],
}

st.navigation(PAGES).run()
