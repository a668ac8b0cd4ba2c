"""History kinds for the state at a date: publication, title, weight, parent, field

Revision ID: 0017
Revises: 0016

Written by hand. The history so far records status, progress, target date and money; the state
of the strategy at a past day (app/reporting/state.py) also needs what was published, the titles
and the structure. This migration lets milestone_change hold those kinds, adds an index on
changed_on (the state at a day reads the changes after it, of every milestone), widens the
values to 200 characters (titles) and stores the
day from which they are recorded as the setting "history_recorded_since": before it, the state
at a date uses today's titles and structure and shows only what is published now.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD_KINDS = ("status", "progress", "target_date", "planned", "committed", "spent")
NEW_KINDS = OLD_KINDS + ("publication", "title", "weight", "parent", "field")
SETTING = "history_recorded_since"


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("milestone_change", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_milestone_change_kind_known"), type_="check")
        batch_op.create_check_constraint("kind_known", _kinds(NEW_KINDS))
        batch_op.create_index("ix_milestone_change_changed_on", ["changed_on"], unique=False)
        # Titles are up to 200 characters.
        batch_op.alter_column("old_value", existing_type=sa.String(100), type_=sa.String(200))
        batch_op.alter_column("new_value", existing_type=sa.String(100), type_=sa.String(200))
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON),
                       sa.column("updated_at", sa.DateTime))
    now = datetime.utcnow()
    since = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    op.execute(setting.delete().where(setting.c.key == SETTING))
    op.bulk_insert(setting, [{"key": SETTING, "value": since, "updated_at": now}])


def downgrade():
    op.execute(sa.text("DELETE FROM milestone_change WHERE kind IN ('publication', 'title', 'weight', 'parent', 'field')"))
    op.execute(sa.text(f"DELETE FROM setting WHERE key = '{SETTING}'"))
    with op.batch_alter_table("milestone_change", schema=None) as batch_op:
        batch_op.alter_column("new_value", existing_type=sa.String(200), type_=sa.String(100))
        batch_op.alter_column("old_value", existing_type=sa.String(200), type_=sa.String(100))
        batch_op.drop_index("ix_milestone_change_changed_on")
        batch_op.drop_constraint(op.f("ck_milestone_change_kind_known"), type_="check")
        batch_op.create_check_constraint("kind_known", _kinds(OLD_KINDS))
