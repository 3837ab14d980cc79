"""follow: followed sources, their items, per-host robots.txt and poll leases;
seeds the default related sites (feeds.follow.sources)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 01:41:22.980356
"""
from alembic import op
import sqlalchemy as sa
import storage.db
from feeds.follow.sources import seed_default_sources


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_hosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=300), nullable=False),
    sa.Column('lease_owner', sa.String(length=120), nullable=True),
    sa.Column('lease_until', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('robots_body', sa.Text(), nullable=True),
    sa.Column('robots_status', sa.Integer(), nullable=True),
    sa.Column('robots_fetched_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('crawl_delay', sa.Float(), nullable=True),
    sa.Column('next_request_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_hosts')),
    sa.UniqueConstraint('host', name=op.f('uq_follow_hosts_host'))
    )
    op.create_table('follow_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('feed_url', sa.String(length=2000), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('discovered_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('selectors', sa.JSON(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('last_polled_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_poll_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_success_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('usual_item_count', sa.Integer(), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('host', sa.String(length=300), nullable=False),
    sa.Column('default_key', sa.String(length=60), nullable=True),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_sources')),
    sa.UniqueConstraint('default_key', name=op.f('uq_follow_sources_default_key'))
    )
    with op.batch_alter_table('follow_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_sources_host'), ['host'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_sources_next_poll_at'), ['next_poll_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_sources_status'), ['status'], unique=False)

    op.create_table('follow_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=1000), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('url_key', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_has_time', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('detail_checked_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_seen_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['follow_sources.id'], name=op.f('fk_follow_items_source_id_follow_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_items')),
    sa.UniqueConstraint('source_id', 'url_key', name=op.f('uq_follow_items_source_id'))
    )
    with op.batch_alter_table('follow_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_items_first_seen_at'), ['first_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_items_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_items_source_id'), ['source_id'], unique=False)
        batch_op.create_index('ix_follow_items_source_id_guid', ['source_id', 'guid'], unique=False)

    # A fresh install follows the related sites at once (db upgrade, serve and
    # the Procfile release step all migrate, so none can forget to seed).
    seed_default_sources(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('follow_items', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_items_source_id_guid')
        batch_op.drop_index(batch_op.f('ix_follow_items_source_id'))
        batch_op.drop_index(batch_op.f('ix_follow_items_published_at'))
        batch_op.drop_index(batch_op.f('ix_follow_items_first_seen_at'))

    op.drop_table('follow_items')
    with op.batch_alter_table('follow_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_sources_status'))
        batch_op.drop_index(batch_op.f('ix_follow_sources_next_poll_at'))
        batch_op.drop_index(batch_op.f('ix_follow_sources_host'))

    op.drop_table('follow_sources')
    op.drop_table('follow_hosts')
