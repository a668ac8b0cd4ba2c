"""Traffic light: each milestone's internal light (im Plan, gefährdet, kritisch) and its history

Revision ID: 0019_traffic_light
Revises: 0015

Written by hand: TrafficLight and TrafficLightChange of app/models/internal.py. Staff only:
no public page, feed, API answer or cache entry reads these tables.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019_traffic_light"
down_revision = "0015"  # the revision id of 0015_english_texts.py
branch_labels = None
depends_on = None

LIGHTS = "light IN ('on_track', 'at_risk', 'critical')"


def upgrade():
    op.create_table(
        "traffic_light",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("light", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_html", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_label", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(LIGHTS, name=op.f("ck_traffic_light_light_known")),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"],
                                name=op.f("fk_traffic_light_milestone_id_milestone"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"],
                                name=op.f("fk_traffic_light_set_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("milestone_id", name=op.f("pk_traffic_light")),
    )
    with op.batch_alter_table("traffic_light", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_traffic_light_light"), ["light"], unique=False)

    op.create_table(
        "traffic_light_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("light", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_html", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(LIGHTS, name=op.f("ck_traffic_light_change_light_known")),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"],
                                name=op.f("fk_traffic_light_change_milestone_id_milestone"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"],
                                name=op.f("fk_traffic_light_change_set_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_light_change")),
    )
    with op.batch_alter_table("traffic_light_change", schema=None) as batch_op:
        batch_op.create_index("ix_traffic_light_change_milestone_created", ["milestone_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("traffic_light_change", schema=None) as batch_op:
        batch_op.drop_index("ix_traffic_light_change_milestone_created")
    op.drop_table("traffic_light_change")
    with op.batch_alter_table("traffic_light", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_traffic_light_light"))
    op.drop_table("traffic_light")
