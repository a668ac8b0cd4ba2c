"""Comment.score: the "most helpful" order of a thread as an index range

Revision ID: 0010
Revises: 0009

Written by hand after profiling the benchmark's large dataset (bench/, BENCHMARKS.md). The
"most helpful" order sorted by helpful_count - unhelpful_count, an expression no index gave
in order, so every page of it sorted all top-level comments of the milestone. The difference
is now kept in the row (app/participation/counters.py moves it with the counts) and a partial
index of top-level comments gives the order directly.
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


TOP_LEVEL = sa.text("parent_id IS NULL")


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE comment SET score = helpful_count - unhelpful_count")
    op.create_index(
        "ix_comment_milestone_helpful",
        "comment",
        ["milestone_id", "score", "helpful_count", "created_at", "id", "status"],
        unique=False,
        postgresql_where=TOP_LEVEL,
        sqlite_where=TOP_LEVEL,
    )


def downgrade():
    op.drop_index("ix_comment_milestone_helpful", table_name="comment")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("score")
