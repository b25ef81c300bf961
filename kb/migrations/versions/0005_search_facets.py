"""facet terms in the claim-evidence search index (issue 4: words + facets under 100 ms at 1M claims)

Adds claimsource.facets (see kb/facets.py), maintained by the database: on SQLite the FTS5 table
claimsource_fts is rebuilt over (evidence, facets) and its triggers compute the facets; on PostgreSQL
a BEFORE trigger computes them and a generated tsvector (facet_tsv) with its own GIN index makes them
searchable. Further triggers recompute a report's facets when the claim's model, benchmark or first
reported time, the model's organization or the article's outlet changes.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

from kb.read.facets import backfill_sql, facets_sql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FTS_DELETE = ("INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence, facets) "
               "SELECT 'delete', id, evidence, facets FROM claimsource WHERE {where};")
_FTS_INSERT = "INSERT INTO claimsource_fts(rowid, evidence, facets) SELECT id, evidence, facets FROM claimsource WHERE {where};"
_SET_FACETS = ("UPDATE claimsource SET facets = "
               + facets_sql("sqlite", "claimsource.claim_id", "claimsource.outlet", "claimsource.article_id")
               + " WHERE {where};")


def _refresh(where: str) -> str:
    """SQLite trigger body: take the rows out of the index, recompute their facets, index them again."""
    return "\n".join(s.format(where=where) for s in (_FTS_DELETE, _SET_FACETS, _FTS_INSERT))


_SQLITE_TRIGGERS = {
    # The facets are stored first, then indexed from the row, so the index always holds what the
    # column holds (FTS5's 'delete' needs exactly the indexed values).
    "claimsource_fts_ai": f"""AFTER INSERT ON claimsource BEGIN
        {_SET_FACETS.format(where='id = new.id')}
        {_FTS_INSERT.format(where='id = new.id')} END""",
    "claimsource_fts_ad": """AFTER DELETE ON claimsource BEGIN
        INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence, facets)
        VALUES ('delete', old.id, old.evidence, old.facets); END""",
    "claimsource_fts_au": f"""AFTER UPDATE OF evidence, claim_id, outlet, article_id ON claimsource BEGIN
        INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence, facets)
        VALUES ('delete', old.id, old.evidence, old.facets);
        {_SET_FACETS.format(where='id = new.id')}
        {_FTS_INSERT.format(where='id = new.id')} END""",
    "claimsource_facets_claim": f"""AFTER UPDATE OF model_id, benchmark_id, first_reported_at ON scoreclaim
        WHEN old.model_id IS NOT new.model_id OR old.benchmark_id IS NOT new.benchmark_id
          OR old.first_reported_at IS NOT new.first_reported_at BEGIN
        {_refresh('claim_id = new.id')} END""",
    "claimsource_facets_org": f"""AFTER UPDATE OF org_id ON entity WHEN old.org_id IS NOT new.org_id BEGIN
        {_refresh('claim_id IN (SELECT id FROM scoreclaim WHERE model_id = new.id)')} END""",
    "claimsource_facets_outlet": f"""AFTER UPDATE OF outlet ON article WHEN old.outlet IS NOT new.outlet BEGIN
        {_refresh('article_id = new.id')} END""",
}
_OLD_SQLITE_TRIGGERS = {
    "claimsource_fts_ai": """AFTER INSERT ON claimsource BEGIN
       INSERT INTO claimsource_fts(rowid, evidence) VALUES (new.id, new.evidence); END""",
    "claimsource_fts_ad": """AFTER DELETE ON claimsource BEGIN
       INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence);
       END""",
    "claimsource_fts_au": """AFTER UPDATE OF evidence ON claimsource BEGIN
       INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence);
       INSERT INTO claimsource_fts(rowid, evidence) VALUES (new.id, new.evidence); END""",
}
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"

_PG_FUNCTION = ("CREATE OR REPLACE FUNCTION aikb_claimsource_facets(p_claim integer, p_outlet text, p_article integer) "
                "RETURNS text LANGUAGE sql STABLE AS $$ SELECT "
                + facets_sql("postgresql", "p_claim", "p_outlet", "p_article") + " $$")
_PG_TRIGGER_FUNCTIONS = {
    "aikb_facets_row": "NEW.facets := aikb_claimsource_facets(NEW.claim_id, NEW.outlet, NEW.article_id); RETURN NEW;",
    "aikb_facets_claim": ("UPDATE claimsource SET facets = aikb_claimsource_facets(claim_id, outlet, article_id) "
                          "WHERE claim_id = NEW.id; RETURN NULL;"),
    "aikb_facets_org": ("UPDATE claimsource cs SET facets = aikb_claimsource_facets(cs.claim_id, cs.outlet, "
                        "cs.article_id) FROM scoreclaim sc WHERE sc.id = cs.claim_id AND sc.model_id = NEW.id; "
                        "RETURN NULL;"),
    "aikb_facets_outlet": ("UPDATE claimsource SET facets = aikb_claimsource_facets(claim_id, outlet, article_id) "
                           "WHERE article_id = NEW.id; RETURN NULL;"),
}
_PG_TRIGGERS = {
    "claimsource_facets": ("BEFORE INSERT OR UPDATE OF claim_id, outlet, article_id ON claimsource FOR EACH ROW",
                           "aikb_facets_row"),
    "scoreclaim_facets": ("AFTER UPDATE OF model_id, benchmark_id, first_reported_at ON scoreclaim FOR EACH ROW "
                          "WHEN (OLD.model_id IS DISTINCT FROM NEW.model_id OR OLD.benchmark_id IS DISTINCT FROM "
                          "NEW.benchmark_id OR OLD.first_reported_at IS DISTINCT FROM NEW.first_reported_at)",
                          "aikb_facets_claim"),
    "entity_facets": ("AFTER UPDATE OF org_id ON entity FOR EACH ROW WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id)",
                      "aikb_facets_org"),
    "article_facets": ("AFTER UPDATE OF outlet ON article FOR EACH ROW WHEN (OLD.outlet IS DISTINCT FROM NEW.outlet)",
                       "aikb_facets_outlet"),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_index("ix_stance_stance_model", "stanceevent", ["stance", "model_id"])  # the stance facet
    op.execute("ALTER TABLE claimsource ADD COLUMN facets TEXT NOT NULL DEFAULT ''")
    op.execute(backfill_sql(dialect))
    if dialect == "sqlite":
        for name in _OLD_SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claimsource_fts")
        op.execute(f"CREATE VIRTUAL TABLE claimsource_fts USING fts5(evidence, facets, content='claimsource', "
                   f"content_rowid='id', {_TOKENIZE})")
        op.execute("INSERT INTO claimsource_fts(claimsource_fts) VALUES ('rebuild')")
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    op.execute(_PG_FUNCTION)
    for name, body in _PG_TRIGGER_FUNCTIONS.items():
        op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$")
    for name, (when, function) in _PG_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()")
    op.execute("ALTER TABLE claimsource ADD COLUMN facet_tsv tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, facets)) STORED")
    op.execute("CREATE INDEX ix_claimsource_facet_tsv ON claimsource USING gin (facet_tsv)")


def downgrade() -> None:
    op.drop_index("ix_stance_stance_model", "stanceevent")
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claimsource_fts")
        op.execute(f"CREATE VIRTUAL TABLE claimsource_fts USING fts5(evidence, content='claimsource', "
                   f"content_rowid='id', {_TOKENIZE})")
        for name, body in _OLD_SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("INSERT INTO claimsource_fts(claimsource_fts) VALUES ('rebuild')")
        op.execute("ALTER TABLE claimsource DROP COLUMN facets")
        return
    op.execute("DROP INDEX IF EXISTS ix_claimsource_facet_tsv")
    op.execute("ALTER TABLE claimsource DROP COLUMN IF EXISTS facet_tsv")
    for name, (when, _) in _PG_TRIGGERS.items():
        table = when.split(" ON ")[1].split()[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in _PG_TRIGGER_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP FUNCTION IF EXISTS aikb_claimsource_facets(integer, text, integer)")
    op.execute("ALTER TABLE claimsource DROP COLUMN facets")
