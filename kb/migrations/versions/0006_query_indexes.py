"""indexes for the entity pages (issue 4: pages and timeline under 100 ms at 1M claims)

personrole (org_id, seen_at, id): an org's people in the order the pages list them, so a page reads
its first rows off the index instead of joining and sorting every role of a busy org; it replaces
ix_personrole_org (org_id), which it covers.
entity (merged_into_id): every page and the timeline look up the entities merged into one; without
an index that lookup scans the entity table.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_personrole_org_seen", "personrole", ["org_id", "seen_at", "id"])
    op.drop_index("ix_personrole_org", "personrole")
    op.create_index("ix_entity_merged_into", "entity", ["merged_into_id"])


def downgrade() -> None:
    op.drop_index("ix_entity_merged_into", "entity")
    op.create_index("ix_personrole_org", "personrole", ["org_id"])
    op.drop_index("ix_personrole_org_seen", "personrole")
