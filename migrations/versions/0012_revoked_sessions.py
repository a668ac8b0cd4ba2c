"""Revoked sessions: signing out ends the session on the server too

Revision ID: 0012
Revises: 0011

Written by hand: RevokedSession of app/models/users.py. Each session carries a random nonce;
signing out stores its SHA-256 here, so a copy of the cookie taken before no longer works.
`flask mail purge` forgets rows older than the session lifetime.
"""
from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "revoked_session",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_revoked_session")),
    )
    with op.batch_alter_table("revoked_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revoked_session_revoked_at"), ["revoked_at"], unique=False)


def downgrade():
    with op.batch_alter_table("revoked_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_session_revoked_at"))
    op.drop_table("revoked_session")
