"""CSV import batches and the site logo

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00

Written by hand: the tables of app/models/transfer.py and app/models/branding.py.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_import_batch_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_created_at"), ["created_at"], unique=False)

    op.create_table(
        "site_logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mimetype", sa.String(length=50), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_logo_single_row")),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_site_logo_size_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_logo")),
    )


def downgrade():
    op.drop_table("site_logo")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_created_at"))
        batch_op.drop_index(batch_op.f("ix_import_batch_user_id"))
    op.drop_table("import_batch")
