"""kbmeta: what the store was seeded from (key, value, updated_at)

"gazetteer" and "reference" hold the fingerprints (sha256) of the gazetteer files and the reference
stance history the store last loaded (kb.store.meta). A store upgraded to 0008 has none yet, so its
next extraction re-runs the idempotent seed and load once: the names and aliases a newer release
ships reach an existing store.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kbmeta",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("kbmeta")
