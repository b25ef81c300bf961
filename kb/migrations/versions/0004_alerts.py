"""alert tables and columns for e-mail and webhook alerts

Delivery gets a dedupe_key ("alert:<id>" / "digest:<period end>") unique per rule and channel, so
that planning a message twice (two deliverers, a restart) inserts it once; an index on the due
columns; DigestItem links a digest delivery to the alerts it lists; AlertRule gets a scan cursor
(scan_after, scan_after_id) so evaluation re-reads only recent events.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alertrule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scan_after", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("scan_after_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_delivery_rule_channel_key", ["rule_id", "channel", "dedupe_key"])
        batch_op.create_index("ix_delivery_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "digestitem",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"]),
        sa.PrimaryKeyConstraint("delivery_id", "alert_id"),
        sa.UniqueConstraint("alert_id", "channel", name="uq_digestitem_alert_channel"),
    )


def downgrade() -> None:
    op.drop_table("digestitem")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_due")
        batch_op.drop_constraint("uq_delivery_rule_channel_key", type_="unique")
        batch_op.drop_column("dedupe_key")
    with op.batch_alter_table("alertrule", schema=None) as batch_op:
        batch_op.drop_column("scan_after_id")
        batch_op.drop_column("scan_after")
