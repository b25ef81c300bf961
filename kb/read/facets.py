"""Facet terms: a report's model, benchmark, organization and outlets, kept as words in its search document.

Search combines words with facets ("reached" + model Aurora 2). Filtering the word's matches by a
join, or the facet's rows by the words, costs time in proportion to the larger of the two sets. With
the facets as terms of the same full-text index, the engine intersects posting lists instead:
SQLite's FTS5 table over (evidence, facets), PostgreSQL's GIN index over a tsvector of the facets.

`claimsource.facets` holds, for each report of a claim:

    m<model id> b<benchmark id> o<org id of the model> d<YYYYMM> y<YYYY> u<outlet of report> u<outlet read in>

(d and y: the month and year the claim was first reported, so a date range is terms too.)

It is not mapped in kb/models.py: the database maintains it (triggers of migration 0005), on insert
and whenever what it names changes: a claim re-pointed to another model or benchmark (entity merges)
or found to be first reported earlier, a report moved to another claim, a model given or moved to
another organization, an article's outlet corrected. Python code never computes it, so cannot forget to.

A facet term only narrows the candidates: search still applies the exact outlet test to what the
index returns, so an outlet term that two outlets' names share ("Wire News", "WireNews") loses nothing.
"""
from __future__ import annotations

from datetime import date


def facets_sql(dialect: str, claim: str, outlet: str, article: str) -> str:
    """The SQL expression of a report's facet text, given SQL for its columns (dialect: sqlite|postgresql)."""
    if dialect == "sqlite":
        month, year = "strftime('%Y%m', sc.first_reported_at)", "strftime('%Y', sc.first_reported_at)"
    else:  # the UTC calendar, whatever the session's time zone
        month = "to_char(sc.first_reported_at AT TIME ZONE 'UTC', 'YYYYMM')"
        year = "to_char(sc.first_reported_at AT TIME ZONE 'UTC', 'YYYY')"
    return (f"coalesce((SELECT 'm' || sc.model_id || ' b' || sc.benchmark_id || coalesce(' o' || e.org_id, '') "
            f"|| coalesce(' d' || {month} || ' y' || {year}, '') "
            f"FROM scoreclaim sc LEFT JOIN entity e ON e.id = sc.model_id WHERE sc.id = {claim}), '') "
            f"|| coalesce(' u' || replace({outlet}, ' ', ''), '') "
            f"|| coalesce((SELECT ' u' || replace(a.outlet, ' ', '') FROM article a WHERE a.id = {article}), '')")


def backfill_sql(dialect: str) -> str:
    """Recompute every report's facets (the migration, and bench/gen_claims.py after a load with triggers off)."""
    return "UPDATE claimsource SET facets = " + facets_sql(
        dialect, "claimsource.claim_id", "claimsource.outlet", "claimsource.article_id")


def date_terms(since: date, until: date) -> list[str]:
    """Terms for the claims first reported between SINCE and UNTIL (inclusive): whole years as y<YYYY>,
    the months of partial years as d<YYYYMM>. Any one of them may match; the exact dates are tested after."""
    terms, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        if month == 1 and (year < until.year or until.month == 12):
            terms.append(f"y{year}")
            year += 1
            continue
        terms.append(f"d{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return terms


def outlet_term(outlet: str) -> str:
    """An outlet as the index holds it: one word ("uSiliconWire"; the tokenizers fold case), so its
    posting list is the outlet's own rather than those of common words such as "The" or "News".
    Punctuation may still cut it into several words; searched as a phrase, they match alike."""
    return "u" + outlet.replace(" ", "")


def entity_terms(prefix: str, ids: list[int]) -> list[str]:
    """The facet terms of entity IDS (any one of them may match): ['m12', 'm40'] for prefix 'm'."""
    return [f"{prefix}{int(i)}" for i in ids]
