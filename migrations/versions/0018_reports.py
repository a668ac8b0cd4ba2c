"""Status reports: the report with its data snapshot, and its stored PDFs

Revision ID: 0018
Revises: 0017

Written by hand. A report is frozen when it is issued: the snapshot (JSON) and the four PDFs
(German and English, public and internal) are stored then and only served afterwards. The PDFs
live in their own table so that lists of reports never read them.
"""
from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporting_date", sa.Date(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], name=op.f("fk_report_issued_by_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["previous_id"], ["report.id"], name=op.f("fk_report_previous_id_report"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_reporting_date"), ["reporting_date"], unique=False)
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("variant", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("language IN ('de', 'en')", name=op.f("ck_report_file_language_known")),
        sa.CheckConstraint("variant IN ('public', 'internal')", name=op.f("ck_report_file_variant_known")),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_report_file_report_id_report"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("report_id", "language", "variant", name=op.f("uq_report_file_report_id_language_variant")),
    )
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_file_report_id"), ["report_id"], unique=False)


def downgrade():
    op.drop_table("report_file")
    op.drop_table("report")
