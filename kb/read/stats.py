"""Store counts for `aikb stats` and the UI's header: sources, articles, stories, fetches, claims, entities."""
from __future__ import annotations

from sqlalchemy import text

# Plain SQL over the tables kb.models defines, so that `aikb stats` runs on SQLAlchemy's core alone
# (no ORM, no model classes: most of the command's start-up). Booleans read as true on SQLite and PostgreSQL.
_COUNTS = {
    "sources": "SELECT count(*) FROM source",
    "articles": "SELECT count(*) FROM article",
    "stories": "SELECT count(*) FROM story",
    "fetch_errors": "SELECT count(*) FROM fetchlog WHERE outcome = 'error'",
    "fetches": "SELECT count(*) FROM fetchlog",
    "failing_sources": "SELECT count(*) FROM source WHERE failure_count > 0",
    # provenance (issue 13): feed sightings of articles, articles whose page is still to be read
    "sightings": "SELECT count(*) FROM sighting",
    "articles_feed_text_only": "SELECT count(*) FROM article WHERE feed_text_only",
    "single_page_articles": "SELECT count(*) FROM article WHERE source_id IS NULL",
    # the knowledge base: claims and their sources, stance events, roles
    "claims": "SELECT count(*) FROM scoreclaim",
    "claims_disputed": "SELECT count(*) FROM scoreclaim WHERE disputed",
    "claims_undated": "SELECT count(*) FROM scoreclaim WHERE undated",
    "claim_sources": "SELECT count(*) FROM claimsource",
    "stance_events": "SELECT count(*) FROM stanceevent",
    "stance_events_news": "SELECT count(*) FROM stanceevent WHERE origin = 'news'",
    "person_roles": "SELECT count(*) FROM personrole",
}
_ENTITIES = "SELECT kind, count(*) FROM entity WHERE merged_into_id IS NULL GROUP BY kind"


def collect_stats(db) -> dict:
    """Counts of the store: sources, articles, stories, fetches and their errors, claims, entities.

    DB is a Session (its connection is used) or a Connection.
    """
    conn = db.connection() if hasattr(db, "exec") else db
    stats = {key: int(conn.execute(text(sql)).scalar_one()) for key, sql in _COUNTS.items()}
    by_kind = {kind: int(n) for kind, n in conn.execute(text(_ENTITIES)).all()}
    # flat keys, so the table output and alerts on counts need no nesting
    stats.update({f"entities_{kind}": by_kind.get(kind, 0) for kind in ("model", "org", "person", "benchmark")})
    return stats
