"""Blocked addresses: a block outlives the account deleted while it ran

Revision ID: 0008
Revises: 0007

Written by hand: BlockedAddress of app/models/moderation.py. It holds only a keyed hash
(HMAC-SHA256 with SECRET_KEY) of the address and the end of the block.
"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "blocked_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_address")),
        sa.UniqueConstraint("address_hash", name=op.f("uq_blocked_address_address_hash")),
    )


def downgrade():
    op.drop_table("blocked_address")
