"""feed reach (subscriber counts from readers' User-Agents) and feed states (WebSub announcements)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 02:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_reach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed', sa.String(length=300), nullable=False),
    sa.Column('reader', sa.String(length=60), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('subscribers', sa.Integer(), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_reach')),
    sa.UniqueConstraint('feed', 'reader', 'day', name=op.f('uq_feed_reach_feed'))
    )
    with op.batch_alter_table('feed_reach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_reach_day'), ['day'], unique=False)

    op.create_table('feed_states',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('changed_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feed_states'))
    )


def downgrade() -> None:
    op.drop_table('feed_states')
    with op.batch_alter_table('feed_reach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_reach_day'))

    op.drop_table('feed_reach')
