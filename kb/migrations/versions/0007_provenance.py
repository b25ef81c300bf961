"""provenance: feed sightings, feed-text-only articles, disputed and undated claims, org origin

sighting: one row per (article URL, source) that carried it: the same article seen in several feeds
is one article with several sightings (issue 13). A feed on another site than the article (an
aggregator) is a sighting of the article, never its text (issue 17 row 4).
article.feed_text_only / page_attempts: the page could not be fetched, the text is the feed's; a
later run retries the page.
scoreclaim.disputed: an independent reporter gives another value for the same model, benchmark and
setting. scoreclaim.undated: no source of the claim carries a publication date (first_reported_at
is then the first time aikb saw it, never shown as a publication date).
entity.org_origin: where a model's organization came from (gazetteer | news | publisher | manual);
a manual one is never replaced.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sighting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("same_site", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("text_chars", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("url_hash", "source_id", name="uq_sighting_url_source"),
    )
    op.create_index("ix_sighting_article_id", "sighting", ["article_id"])
    op.create_index("ix_sighting_source_id", "sighting", ["source_id"])
    # plain ADD COLUMN (no batch copy: the article and claim tables carry full-text triggers)
    op.add_column("article", sa.Column("feed_text_only", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("article", sa.Column("page_attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_article_feed_text_only", "article", ["feed_text_only"])
    op.add_column("scoreclaim", sa.Column("disputed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("scoreclaim", sa.Column("undated", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("entity", sa.Column("org_origin", sa.String(length=16), nullable=True))
    # every stored feed article was seen once, in the feed that stored it
    op.execute("INSERT INTO sighting (url_hash, article_id, source_id, url, seen_at, same_site, text_chars"
               ") SELECT url_hash, id, source_id, url, fetched_at, true, length(text) "
               "FROM article WHERE source_id IS NOT NULL")


def downgrade() -> None:
    op.drop_column("entity", "org_origin")
    op.drop_column("scoreclaim", "undated")
    op.drop_column("scoreclaim", "disputed")
    op.drop_index("ix_article_feed_text_only", "article")
    op.drop_column("article", "page_attempts")
    op.drop_column("article", "feed_text_only")
    op.drop_index("ix_sighting_source_id", "sighting")
    op.drop_index("ix_sighting_article_id", "sighting")
    op.drop_table("sighting")
