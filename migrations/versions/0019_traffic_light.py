"""Traffic light: each milestone's internal light (im Plan, gefährdet, kritisch) and its history

Revision ID: 0019
Revises: 0018

Written by hand: TrafficLight and TrafficLightChange of app/models/internal.py. Staff only:
no public page, feed, API answer or cache entry reads these tables.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

LIGHTS = "light IN ('on_track', 'at_risk', 'critical')"


def _setting_columns(table: str) -> list:
    """The columns both tables share (app/models/internal.py _LightSetting) and their check."""
    return [
        sa.Column("light", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_html", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_label", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(LIGHTS, name=op.f(f"ck_{table}_light_known")),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"],
                                name=op.f(f"fk_{table}_milestone_id_milestone"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"], name=op.f(f"fk_{table}_set_by_id_user"),
                                ondelete="SET NULL"),
    ]


def upgrade():
    op.create_table(
        "traffic_light",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        *_setting_columns("traffic_light"),
        sa.PrimaryKeyConstraint("milestone_id", name=op.f("pk_traffic_light")),
    )
    op.create_index("ix_traffic_light_light", "traffic_light", ["light"], unique=False)
    op.create_table(
        "traffic_light_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        *_setting_columns("traffic_light_change"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_light_change")),
    )
    op.create_index("ix_traffic_light_change_milestone_set", "traffic_light_change", ["milestone_id", "set_at"],
                    unique=False)


def downgrade():
    op.drop_index("ix_traffic_light_change_milestone_set", table_name="traffic_light_change")
    op.drop_table("traffic_light_change")
    op.drop_index("ix_traffic_light_light", table_name="traffic_light")
    op.drop_table("traffic_light")
