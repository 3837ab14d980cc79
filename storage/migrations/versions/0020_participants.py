"""participants of meetings (delegates, their credentials, approval, listing) and participant_lists
(each issued list of participants: its register document and HTML version)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:00:00.000000

New tables only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0020'
# Other branches add 0016-0019; the coordinator chains them when merging.
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('credentials', sa.String(length=20), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('confirm_token_hash', sa.String(length=64), nullable=True),
    sa.Column('requested_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_ip', sa.String(length=64), nullable=False),
    sa.Column('email_confirmed_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_ip', sa.String(length=64), nullable=False),
    sa.Column('consent_wording', sa.String(length=20), nullable=False),
    sa.Column('decided_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('listed_in', sa.String(length=120), nullable=False),
    sa.Column('anonymised_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegations.id'], name=op.f('fk_participants_delegation_id_delegations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_participants_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('confirm_token_hash', name=op.f('uq_participants_confirm_token_hash'))
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_status'), ['status'], unique=False)

    op.create_table('participant_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('participant_count', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['register_documents.id'], name=op.f('fk_participant_lists_document_id_register_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_participant_lists_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_lists')),
    sa.UniqueConstraint('document_id', name=op.f('uq_participant_lists_document_id'))
    )
    with op.batch_alter_table('participant_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_lists_meeting_id'), ['meeting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('participant_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_lists_meeting_id'))
    op.drop_table('participant_lists')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_status'))
        batch_op.drop_index(batch_op.f('ix_participants_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_participants_email'))
        batch_op.drop_index(batch_op.f('ix_participants_delegation_id'))
    op.drop_table('participants')
