"""Citizen participation and moderation: comments, votes, flags, subscriptions, moderation log

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hold_pattern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pattern', sa.String(length=200), nullable=False),
    sa.Column('is_regex', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hold_pattern')),
    sa.UniqueConstraint('pattern', name=op.f('uq_hold_pattern_pattern'))
    )
    op.create_table('reason_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text_de', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reason_template'))
    )
    op.create_table('user_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_user_block_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_block_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_block'))
    )
    with op.batch_alter_table('user_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_block_user_id'), ['user_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=100), nullable=True),
    sa.Column('guest_email', sa.String(length=254), nullable=True),
    sa.Column('guest_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_official', sa.Boolean(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('answer_status', sa.String(length=20), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('moderation_reason', sa.Text(), nullable=False),
    sa.Column('appealed_at', sa.DateTime(), nullable=True),
    sa.Column('helpful_count', sa.Integer(), nullable=False),
    sa.Column('unhelpful_count', sa.Integer(), nullable=False),
    sa.Column('flag_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("answer_status IS NULL OR answer_status IN ('open', 'answered', 'not_needed')", name=op.f('ck_comment_answer_status_known')),
    sa.CheckConstraint("status IN ('pending', 'published', 'held', 'hidden', 'rejected', 'spam', 'deleted')", name=op.f('ck_comment_status_known')),
    sa.CheckConstraint('helpful_count >= 0 AND unhelpful_count >= 0 AND flag_count >= 0', name=op.f('ck_comment_counts_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_comment_department_id_department'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_comment_milestone_id_milestone'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['comment.id'], name=op.f('fk_comment_parent_id_comment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_author_id', ['author_id'], unique=False)
        batch_op.create_index('ix_comment_milestone_status_created', ['milestone_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_comment_parent_id', ['parent_id'], unique=False)
        batch_op.create_index('ix_comment_status_created', ['status', 'created_at'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('notified_until', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(milestone_id IS NULL) <> (field_id IS NULL)', name=op.f('ck_subscription_one_target')),
    sa.ForeignKeyConstraint(['field_id'], ['field.id'], name=op.f('fk_subscription_field_id_field'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_subscription_milestone_id_milestone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('email', 'field_id', name=op.f('uq_subscription_email_field_id')),
    sa.UniqueConstraint('email', 'milestone_id', name=op.f('uq_subscription_email_milestone_id'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_email'), ['email'], unique=False)

    op.create_table('support_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_support_vote_milestone_id_milestone'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_support_vote_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_vote')),
    sa.UniqueConstraint('milestone_id', 'user_id', name=op.f('uq_support_vote_milestone_id_user_id'))
    )
    with op.batch_alter_table('support_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_vote_user_id'), ['user_id'], unique=False)

    op.create_table('comment_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_rating_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_comment_rating_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_rating')),
    sa.UniqueConstraint('comment_id', 'user_id', name=op.f('uq_comment_rating_comment_id_user_id'))
    )
    with op.batch_alter_table('comment_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_rating_user_id'), ['user_id'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("reason IN ('spam', 'insult', 'off_topic', 'personal_data', 'other')", name=op.f('ck_flag_reason_known')),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_flag_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_flag_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag')),
    sa.UniqueConstraint('comment_id', 'user_id', name=op.f('uq_flag_comment_id_user_id'))
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_user_id'), ['user_id'], unique=False)

    op.create_table('moderation_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('moderator_label', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status_before', sa.String(length=20), nullable=True),
    sa.Column('status_after', sa.String(length=20), nullable=True),
    sa.Column('original_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('approve', 'reject', 'hide', 'restore', 'spam', 'redact', 'block', 'unblock', 'auto_hide', 'hold', 'appeal', 'answer', 'no_answer_needed')", name=op.f('ck_moderation_decision_action_known')),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_moderation_decision_comment_id_comment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user.id'], name=op.f('fk_moderation_decision_moderator_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['user.id'], name=op.f('fk_moderation_decision_subject_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_decision'))
    )
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_decision_comment_id', ['comment_id'], unique=False)
        batch_op.create_index('ix_moderation_decision_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('moderation_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_decision_created_at')
        batch_op.drop_index('ix_moderation_decision_comment_id')

    op.drop_table('moderation_decision')
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_user_id'))

    op.drop_table('flag')
    with op.batch_alter_table('comment_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_rating_user_id'))

    op.drop_table('comment_rating')
    with op.batch_alter_table('support_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_vote_user_id'))

    op.drop_table('support_vote')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_email'))

    op.drop_table('subscription')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_status_created')
        batch_op.drop_index('ix_comment_parent_id')
        batch_op.drop_index('ix_comment_milestone_status_created')
        batch_op.drop_index('ix_comment_author_id')

    op.drop_table('comment')
    with op.batch_alter_table('user_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_block_user_id'))

    op.drop_table('user_block')
    op.drop_table('reason_template')
    op.drop_table('hold_pattern')
