"""contacts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:13:49.024791
"""
from alembic import op
import sqlalchemy as sa
import storage.db

# A frozen copy: migrations must not change when the code's list does.
DEFAULT_TOPICS = [
    ('universalization', 'Universalization'),
    ('mine-clearance', 'Mine clearance'),
    ('stockpile-destruction', 'Stockpile destruction'),
    ('victim-assistance', 'Victim assistance'),
    ('cooperation-assistance', 'Cooperation and assistance'),
    ('transparency-reporting', 'Transparency reporting'),
    ('meetings', 'Meetings'),
]


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('embargo_trusted', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_lists')),
    sa.UniqueConstraint('name', name=op.f('uq_contact_lists_name'))
    )
    op.create_table('outlets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlets')),
    sa.UniqueConstraint('name_key', name=op.f('uq_outlets_name_key'))
    )
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_segments_name'))
    )
    op.create_table('stored_secrets',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_secrets'))
    )
    op.create_table('suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppressions')),
    sa.UniqueConstraint('email_hash', name=op.f('uq_suppressions_email_hash'))
    )
    topics = op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('slug', name=op.f('uq_topics_slug'))
    )
    # The Convention's themes seed the managed vocabulary (contacts.vocab.DEFAULT_TOPICS).
    op.bulk_insert(topics, [{'slug': slug, 'label': label} for slug, label in DEFAULT_TOPICS])
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=500), nullable=False),
    sa.Column('consent_basis', sa.String(length=30), nullable=True),
    sa.Column('consent_source', sa.String(length=60), nullable=True),
    sa.Column('consent_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_wording', sa.String(length=40), nullable=True),
    sa.Column('consent_ip', sa.String(length=64), nullable=True),
    sa.Column('paused_until', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('search_text', sa.String(length=800), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_contacts_outlet_id_outlets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('email', name=op.f('uq_contacts_email')),
    sa.UniqueConstraint('token', name=op.f('uq_contacts_token'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_country'), ['country'], unique=False)
        batch_op.create_index('ix_contacts_name_key_outlet', ['name_key', 'outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_status'), ['status'], unique=False)

    op.create_table('contact_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_events_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_events'))
    )
    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_events_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_languages',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_languages_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'code', name=op.f('pk_contact_languages'))
    )
    with op.batch_alter_table('contact_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_languages_code'), ['code'], unique=False)

    op.create_table('contact_phones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('label', sa.String(length=30), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_phones_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_phones'))
    )
    with op.batch_alter_table('contact_phones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_phones_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_topics',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_topics_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_contact_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'topic_id', name=op.f('pk_contact_topics'))
    )
    with op.batch_alter_table('contact_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('list_memberships',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('added_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_list_memberships_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['contact_lists.id'], name=op.f('fk_list_memberships_list_id_contact_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'contact_id', name=op.f('pk_list_memberships'))
    )
    with op.batch_alter_table('list_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_memberships_contact_id'), ['contact_id'], unique=False)

    op.create_table('subscription_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('wording_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_subscription_requests_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_subscription_requests_token_hash'))
    )
    with op.batch_alter_table('subscription_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_requests_email_hash'), ['email_hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('subscription_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_requests_email_hash'))

    op.drop_table('subscription_requests')
    with op.batch_alter_table('list_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_memberships_contact_id'))

    op.drop_table('list_memberships')
    with op.batch_alter_table('contact_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_topics_topic_id'))

    op.drop_table('contact_topics')
    with op.batch_alter_table('contact_phones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_phones_contact_id'))

    op.drop_table('contact_phones')
    with op.batch_alter_table('contact_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_languages_code'))

    op.drop_table('contact_languages')
    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_events_contact_id'))

    op.drop_table('contact_events')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_status'))
        batch_op.drop_index(batch_op.f('ix_contacts_outlet_id'))
        batch_op.drop_index('ix_contacts_name_key_outlet')
        batch_op.drop_index(batch_op.f('ix_contacts_country'))

    op.drop_table('contacts')
    op.drop_table('topics')
    op.drop_table('suppressions')
    op.drop_table('stored_secrets')
    op.drop_table('segments')
    op.drop_table('outlets')
    op.drop_table('contact_lists')
