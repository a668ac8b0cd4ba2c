"""Citizens' notification preferences: mails about replies, official answers, moderation decisions

Revision ID: 0006
Revises: 0005

Written by hand: the three switches of app/models/users.py (User.notify_*). Existing accounts
get them switched on, as new accounts do.
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("notify_replies", "notify_answers", "notify_moderation")


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
