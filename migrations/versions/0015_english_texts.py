"""English texts: optional *_en columns for the strategy, fields, milestones, updates, champions

Revision ID: 0015
Revises: 0014

Every public text of the strategy gets an optional English twin; /en/ pages show it when it is
filled and the German text (marked lang="de") otherwise. Markdown fields get their sanitized
HTML twin, as the German ones have. Empty strings by default, so existing rows stay German.
Department names stay German: they are proper names of the municipality's units.
"""
from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# table -> [(column, type)]
COLUMNS = {
    "strategy": [
        ("title_en", sa.String(200)),
        ("intro_en", sa.Text()),
        ("intro_en_html", sa.Text()),
        ("lead_role_en", sa.String(200)),
    ],
    "field": [("name_en", sa.String(200)), ("description_en", sa.Text())],
    "champion": [("role_en", sa.String(200)), ("quote_en", sa.Text())],
    "milestone": [
        ("title_en", sa.String(200)),
        ("summary_en", sa.Text()),
        ("description_en", sa.Text()),
        ("description_en_html", sa.Text()),
        ("contact_role_en", sa.String(200)),
    ],
    "progress_update": [("title_en", sa.String(200)), ("body_en", sa.Text()), ("body_en_html", sa.Text())],
}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_ in columns:
                batch_op.add_column(sa.Column(name, type_, server_default="", nullable=False))


def downgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _type in reversed(columns):
                batch_op.drop_column(name)
