"""The UI's reads: one small cached wrapper per kb read function, each imported directly.

Each wrapper opens a session on the app's engine, calls the kb.read (or kb.alerts) function and
returns its frozen records. Reads cached for CACHE_TTL are keyed on their plain arguments, so a rerun
after a widget change does not hit the database again; the few reads of small tables that change
often (sources, alerts, rules, a CSV export) are not cached. `ui.common.change` drops every cache
after a write.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from kb.alerts.inbox import list_alerts as _list_alerts
from kb.alerts.rules import list_rules as _list_rules
from kb.db import session_scope
from kb.read import boards, pages, queries, reader, rule_names, search, workbench_search
from kb.read import compare as compare_mod
from kb.read.sources import sources_health as _sources_health
from ui.common import CACHE_TTL, FACETS_TTL, engine_for

ENTRIES = 128  # per read: a few pages' worth of argument combinations


def _read(url: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with session_scope(engine_for(url)) as session:
        return func(session, *args, **kwargs)


def _cached(func: Callable[..., Any], ttl: int = CACHE_TTL, max_entries: int = ENTRIES):
    """A cached read of FUNC(session, ...) for a database URL, named after FUNC (its cache's key)."""
    def read(url: str, *args: Any, **kwargs: Any) -> Any:
        return _read(url, func, *args, **kwargs)

    # st.cache_data keys a cache on the function's module, qualified name and source: every wrapper
    # shares this source, so its own name is what keeps the caches apart
    read.__name__ = read.__qualname__ = func.__name__
    read.__module__ = __name__
    read.__doc__ = f"{func.__module__}.{func.__name__}, cached."
    return st.cache_data(ttl=ttl, show_spinner=False, max_entries=max_entries)(read)


facets = _cached(queries.facet_options, ttl=FACETS_TTL, max_entries=16)  # slow to change, a scan to build
disagreements = _cached(queries.disagreements)
benchmark_settings = _cached(boards.benchmark_settings)
board = _cached(boards.board)
frontier = _cached(boards.frontier)
compare = _cached(compare_mod.compare)
benchmarks_for = _cached(compare_mod.benchmarks_for)
org_models = _cached(compare_mod.org_models)
top_models = _cached(compare_mod.top_models)
openness_by_name = _cached(compare_mod.openness_by_name)
entity_articles = _cached(reader.entity_articles)
recent_articles = _cached(reader.recent_articles)
reader_article = _cached(reader.reader_article)
rule_name_options = _cached(rule_names.rule_name_options)
search_result = _cached(workbench_search.search_result)
search_claims = _cached(search.search_claims)
search_articles = _cached(search.search_articles)
timeline = _cached(pages.timeline)
model_page = _cached(pages.model_page)
org_page = _cached(pages.org_page)
person_page = _cached(pages.person_page)


# Not cached: small tables that change under the user (a feed added, an alert read), or an export.
def sources_health(url: str) -> Any:
    return _read(url, _sources_health)


def list_alerts(url: str, **kwargs: Any) -> Any:
    return _read(url, _list_alerts, **kwargs)


def list_rules(url: str) -> Any:
    return _read(url, _list_rules)


def search_csv(url: str, *args: Any, **kwargs: Any) -> Any:
    return _read(url, workbench_search.search_csv, *args, **kwargs)
