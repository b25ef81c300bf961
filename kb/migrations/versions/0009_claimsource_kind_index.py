"""claimsource (claim_id, reporter_kind, published_at): the reporter filter without reading each report's row

The leaderboard, frontier and compare filters "vendor" / "independent" keep a claim when one of its
reports has that reporter kind (published by the as-of date): a correlated EXISTS per claim. With only
ix_claimsource_claim_id, each test read the report's table row; on the 1M-claim bench store the
independent frontier of the most reported benchmark (120,000 claims) took 1.1 s of the 2 s page budget
(issue 14 item 9), 0.3 s with this covering index.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claimsource_claim_kind", "claimsource", ["claim_id", "reporter_kind", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_claimsource_claim_kind", "claimsource")
