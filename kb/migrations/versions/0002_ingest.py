"""ingestion tables and columns

Article.canonical_hash (the url_hash of its canonical URL, so that a copy stored before its original
is found when the original arrives) and an index on FetchLog.outcome (error counts for stats and
the Sources page).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_article_canonical_hash"), ["canonical_hash"], unique=False)
    with op.batch_alter_table("fetchlog", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetchlog_outcome"), ["outcome"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fetchlog", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetchlog_outcome"))
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_canonical_hash"))
        batch_op.drop_column("canonical_hash")
