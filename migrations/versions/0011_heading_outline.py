"""Stored Markdown HTML: headings renumbered so that no level is skipped

Revision ID: 0011
Revises: 0010

Data only. Markdown headings used to be shifted down by one (# -> h2, ## -> h3), so a text
page written with "##" went from the page's h1 straight to h3. app/sanitize.py now renumbers
headings from a level that depends on where the text is shown; this applies the same rule to
the HTML already stored (the Markdown beside it is unchanged). The renumbering is copied here,
not imported, so that this migration keeps doing what it did when the app changes.
Downgrade leaves the HTML as it is: it is valid either way.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

HEADING_TAG = re.compile(r"<(/?)h([1-6])>")

# (table, primary key, HTML column, level of its first heading)
COLUMNS = (
    ("content_page", "slug", "body_de_html", 2),
    ("content_page", "slug", "body_en_html", 2),
    ("strategy", "id", "intro_html", 2),
    ("milestone", "id", "description_html", 3),
    ("progress_update", "id", "body_html", 4),
)


def outline_headings(html, top_level):
    outline = []
    shown = top_level

    def renumber(match):
        nonlocal shown
        closing, level = match.group(1), int(match.group(2))
        if not closing:
            while outline and outline[-1][0] >= level:
                outline.pop()
            shown = min(outline[-1][1] + 1 if outline else top_level, 6)
            outline.append((level, shown))
        return f"<{closing}h{shown}>"

    return HEADING_TAG.sub(renumber, html)


def upgrade():
    connection = op.get_bind()
    for table_name, key_name, column_name, top_level in COLUMNS:
        table = sa.table(table_name, sa.column(key_name), sa.column(column_name, sa.Text))
        key, column = table.c[key_name], table.c[column_name]
        rows = connection.execute(sa.select(key, column).where(column.like("%<h%"))).all()
        for row_key, html in rows:
            renumbered = outline_headings(html, top_level)
            if renumbered != html:
                connection.execute(table.update().where(key == row_key).values({column_name: renumbered}))


def downgrade():
    pass
