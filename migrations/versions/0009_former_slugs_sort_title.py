"""Former slugs of fields and departments; German sort key of milestone titles

Revision ID: 0009
Revises: 0008

Written by hand: FieldSlug and DepartmentSlug (app/models/strategy.py) keep renamed fields'
and departments' old addresses redirecting; Milestone.sort_title (app/models/milestones.py) is
filled for the existing milestones with the same function the app uses.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _sort_key(title):
    # A copy of app.models.milestones.sort_key as it was when this migration was written.
    decomposed = unicodedata.normalize("NFKD", (title or "").casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return letters.lstrip(" \"'„“”‚‘’«»()[]-–—.,:;!?")[:200]


def _former_slug_table(name, owner):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint([f"{owner}_id"], [f"{owner}.id"],
                                name=op.f(f"fk_{name}_{owner}_id_{owner}"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("slug", name=op.f(f"uq_{name}_slug")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_{owner}_id"), [f"{owner}_id"], unique=False)


def upgrade():
    _former_slug_table("field_slug", "field")
    _former_slug_table("department_slug", "department")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_title", sa.String(length=200), server_default="", nullable=False))
    milestone = sa.table("milestone", sa.column("id", sa.Integer), sa.column("title", sa.String),
                         sa.column("sort_title", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(milestone.c.id, milestone.c.title)).all()
    for row_id, title in rows:
        connection.execute(milestone.update().where(milestone.c.id == row_id)
                           .values(sort_title=_sort_key(title)))


def downgrade():
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_column("sort_title")
    for name, owner in (("department_slug", "department"), ("field_slug", "field")):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_{owner}_id"))
        op.drop_table(name)
