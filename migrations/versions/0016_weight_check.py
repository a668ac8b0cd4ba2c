"""A milestone's weight is 1 to 100 in the database too, as in the editing form and the CSV import

Revision ID: 0016
Revises: 0015

Before, the database refused only weights below 1. Weights above 100 that got in some other way
become 100, so that the new check holds for every row and the upgrade cannot fail on them.
On SQLite the milestone table is copied (batch mode); migrations/env.py turns off the foreign
keys meanwhile, so the rows that refer to milestones survive the copy.
"""
from alembic import op


revision = "0016"
down_revision = "0015"  # the revision id of 0015_english_texts.py
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE milestone SET weight = 100 WHERE weight > 100")
    with op.batch_alter_table("milestone") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_milestone_weight_positive"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_milestone_weight_range"), "weight >= 1 AND weight <= 100")


def downgrade():
    with op.batch_alter_table("milestone") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_milestone_weight_range"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_milestone_weight_positive"), "weight >= 1")
