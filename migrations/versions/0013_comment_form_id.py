"""Comment.form_id: the same comment form sent twice stores one comment

Revision ID: 0013
Revises: 0012

Written by hand: the one-time id of the form that sent a comment (a signed hidden field), unique
per author and per guest address, so a double click or ten parallel requests store one comment.
Existing comments have none (NULL is never equal to NULL in a unique constraint).
"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_id", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_comment_author_id_form_id"), ["author_id", "form_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_comment_guest_email_form_id"), ["guest_email", "form_id"])


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_comment_guest_email_form_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_comment_author_id_form_id"), type_="unique")
        batch_op.drop_column("form_id")
