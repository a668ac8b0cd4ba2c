"""Performance indexes: the comment thread of a milestone page

Revision ID: 0007
Revises: 0006

Written by hand after profiling the benchmark's large dataset (bench/, BENCHMARKS.md). The
milestone page lists one page of top-level comments, newest first, and counts them for the
pagination. Without this index both read every comment of the milestone (15,000 top-level
comments on the busiest one: 280 ms of SQL per page view on SQLite). With it the page is an
ordered index range (milestone, time) and the count reads the index alone (status is its
last column), 2 ms. The index is partial (top-level comments only): PostgreSQL does not treat
"parent_id IS NULL" as an equality, so an index with parent_id as a column could not give it
created_at in order, and it sorted the whole thread (210 ms on the busiest one; 0.1 ms with the
partial index).
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


TOP_LEVEL = sa.text("parent_id IS NULL")
REPLIES = sa.text("parent_id IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_comment_milestone_thread",
        "comment",
        ["milestone_id", "created_at", "id", "status"],
        unique=False,
        postgresql_where=TOP_LEVEL,
        sqlite_where=TOP_LEVEL,
    )
    # The top-level comments with published replies, from the index alone (the thread's
    # count: 92 ms -> 4 ms on SQLite for the busiest milestone).
    op.create_index(
        "ix_comment_milestone_replies",
        "comment",
        ["milestone_id", "status", "parent_id"],
        unique=False,
        postgresql_where=REPLIES,
        sqlite_where=REPLIES,
    )
    # Partial: with statistics (ANALYZE), SQLite took the full index on parent_id for
    # "parent_id IS NULL" and walked every top-level comment of the site (1.4 s).
    op.drop_index("ix_comment_parent_id", table_name="comment")
    op.create_index("ix_comment_parent_id", "comment", ["parent_id"], unique=False,
                    postgresql_where=REPLIES, sqlite_where=REPLIES)


def downgrade():
    op.drop_index("ix_comment_parent_id", table_name="comment")
    op.create_index("ix_comment_parent_id", "comment", ["parent_id"], unique=False)
    op.drop_index("ix_comment_milestone_replies", table_name="comment")
    op.drop_index("ix_comment_milestone_thread", table_name="comment")
