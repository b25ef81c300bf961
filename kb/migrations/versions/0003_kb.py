"""search indexes and knowledge-base additions

Full-text search: on SQLite, FTS5 tables over article title/text and claim evidence, kept in sync by
triggers (so kb/articles.py and kb/claims.py need not know about them); on PostgreSQL, generated
tsvector columns (article.search_tsv, claimsource.evidence_tsv; not mapped in kb/models.py, the
database computes them) with GIN indexes. Plus the indexes the leaderboard and the pages read.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Hyphens become spaces so "GPT-5.4" and "GPT 5.4" index alike (PG's parser reads "-5.4" as a number).
PG_ARTICLE_DOC = "to_tsvector('english'::regconfig, translate(coalesce(title, '') || ' ' || text, '-', ' '))"
PG_EVIDENCE_DOC = "to_tsvector('english'::regconfig, translate(evidence, '-', ' '))"

_SQLITE_FTS = [
    # porter stemming, like PostgreSQL's 'english' configuration, so both stores find the same things
    """CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', content_rowid='id',
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN
       INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END""",
    """CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN
       INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
       END""",
    """CREATE TRIGGER article_fts_au AFTER UPDATE OF title, text ON article BEGIN
       INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
       INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END""",
    """CREATE VIRTUAL TABLE claimsource_fts USING fts5(evidence, content='claimsource', content_rowid='id',
       tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER claimsource_fts_ai AFTER INSERT ON claimsource BEGIN
       INSERT INTO claimsource_fts(rowid, evidence) VALUES (new.id, new.evidence); END""",
    """CREATE TRIGGER claimsource_fts_ad AFTER DELETE ON claimsource BEGIN
       INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence);
       END""",
    """CREATE TRIGGER claimsource_fts_au AFTER UPDATE OF evidence ON claimsource BEGIN
       INSERT INTO claimsource_fts(claimsource_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence);
       INSERT INTO claimsource_fts(rowid, evidence) VALUES (new.id, new.evidence); END""",
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
    "INSERT INTO claimsource_fts(claimsource_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    with op.batch_alter_table("scoreclaim", schema=None) as batch_op:
        batch_op.create_index("ix_scoreclaim_board",
                              ["benchmark_id", "model_id", "qualifier", "value", "first_reported_at"])
        batch_op.create_index("ix_scoreclaim_first", ["first_reported_at"])
        batch_op.create_index("ix_scoreclaim_rank",
                              ["benchmark_id", "value", "first_reported_at", "model_id", "qualifier"])
        batch_op.create_index("ix_scoreclaim_model_first", ["model_id", "first_reported_at"])
    with op.batch_alter_table("personrole", schema=None) as batch_op:
        batch_op.create_index("ix_personrole_org", ["org_id"])
    # the outlet facet and its option list (article belongs to ingest; these indexes serve kb queries)
    op.create_index("ix_article_outlet", "article", ["outlet"])
    op.create_index("ix_article_original_outlet", "article", ["original_outlet"])
    op.create_index("ix_claimsource_outlet", "claimsource", ["outlet"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    else:
        # Stored (generated) tsvectors: a match is then checked without re-parsing the text, which
        # matters when the planner walks the primary key newest first and filters row by row.
        op.execute(f"ALTER TABLE article ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ({PG_ARTICLE_DOC}) STORED")
        op.execute(f"ALTER TABLE claimsource ADD COLUMN evidence_tsv tsvector "
                   f"GENERATED ALWAYS AS ({PG_EVIDENCE_DOC}) STORED")
        op.execute("CREATE INDEX ix_article_tsv ON article USING gin (search_tsv)")
        op.execute("CREATE INDEX ix_claimsource_tsv ON claimsource USING gin (evidence_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("article_fts_ai", "article_fts_ad", "article_fts_au",
                     "claimsource_fts_ai", "claimsource_fts_ad", "claimsource_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_fts")
        op.execute("DROP TABLE IF EXISTS claimsource_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_article_tsv")
        op.execute("DROP INDEX IF EXISTS ix_claimsource_tsv")
        op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search_tsv")
        op.execute("ALTER TABLE claimsource DROP COLUMN IF EXISTS evidence_tsv")
    op.drop_index("ix_claimsource_outlet", "claimsource")
    op.drop_index("ix_article_original_outlet", "article")
    op.drop_index("ix_article_outlet", "article")
    with op.batch_alter_table("personrole", schema=None) as batch_op:
        batch_op.drop_index("ix_personrole_org")
    with op.batch_alter_table("scoreclaim", schema=None) as batch_op:
        batch_op.drop_index("ix_scoreclaim_model_first")
        batch_op.drop_index("ix_scoreclaim_rank")
        batch_op.drop_index("ix_scoreclaim_first")
        batch_op.drop_index("ix_scoreclaim_board")
