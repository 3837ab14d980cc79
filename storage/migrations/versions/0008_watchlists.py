"""watchlists: keyword rules, flagged items, subscriptions; release pick-ups

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 01:42:44.056153
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('watch_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phrases', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_rules')),
    sa.UniqueConstraint('name', name=op.f('uq_watch_rules_name'))
    )
    op.create_table('watch_subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('digest_day', sa.Date(), nullable=True),
    sa.Column('digest_through', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watch_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_watch_subscriptions'))
    )
    op.create_table('release_pickups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('matched_by', sa.String(length=10), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['follow_items.id'], name=op.f('fk_release_pickups_item_id_follow_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_pickups_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_pickups')),
    sa.UniqueConstraint('release_id', 'item_id', name=op.f('uq_release_pickups_release_id'))
    )
    with op.batch_alter_table('release_pickups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_pickups_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_release_pickups_release_id'), ['release_id'], unique=False)

    op.create_table('watch_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('matched_text', sa.String(length=300), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['follow_items.id'], name=op.f('fk_watch_matches_item_id_follow_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['watch_rules.id'], name=op.f('fk_watch_matches_rule_id_watch_rules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_matches')),
    sa.UniqueConstraint('item_id', 'rule_id', name=op.f('uq_watch_matches_item_id'))
    )
    with op.batch_alter_table('watch_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_matches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_matches_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_matches_rule_id'), ['rule_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('watch_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_matches_rule_id'))
        batch_op.drop_index(batch_op.f('ix_watch_matches_item_id'))
        batch_op.drop_index(batch_op.f('ix_watch_matches_created_at'))

    op.drop_table('watch_matches')
    with op.batch_alter_table('release_pickups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_pickups_release_id'))
        batch_op.drop_index(batch_op.f('ix_release_pickups_item_id'))

    op.drop_table('release_pickups')
    op.drop_table('watch_subscriptions')
    op.drop_table('watch_rules')
