"""Dispatches to delegations share the release ledger: dispatches, sends.dispatch_id,
nullable release ids on sends and deliveries, one delivery per send and contact

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 04:40:00.000000

On SQLite a column becomes nullable only by rebuilding its table. ``deliveries``
references ``sends`` with ON DELETE CASCADE, so rebuilding ``sends`` while
``deliveries`` exists would delete every delivery (foreign keys are enforced
during migrations). The deliveries are therefore copied aside and their table
dropped first (nothing references it), ``sends`` is rebuilt, and ``deliveries``
is created again with the new schema and refilled, all in the one migration
transaction. PostgreSQL alters both in place.
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

DELIVERY_COLUMNS = ("id, release_id, contact_id, send_id, status, message_id, attempts, next_attempt_at, "
                    "claimed_at, claimed_by, sent_at, last_error")


def _create_deliveries(release_nullable: bool, per_send: bool) -> None:
    constraints = [sa.UniqueConstraint('release_id', 'contact_id', name=op.f('uq_deliveries_release_id'))]
    if per_send:
        constraints.append(sa.UniqueConstraint('send_id', 'contact_id', name=op.f('uq_deliveries_send_id')))
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=release_nullable),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('send_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('sent_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_deliveries_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_deliveries_release_id_releases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['send_id'], ['sends.id'], name=op.f('fk_deliveries_send_id_sends'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    *constraints
    )
    for column in ('contact_id', 'release_id', 'send_id', 'status'):
        op.create_index(op.f(f'ix_deliveries_{column}'), 'deliveries', [column], unique=False)


def _set_deliveries_aside() -> None:
    op.execute(f"CREATE TABLE _deliveries_0019 AS SELECT {DELIVERY_COLUMNS} FROM deliveries")
    op.drop_table('deliveries')


def _refill_deliveries() -> None:
    op.execute(f"INSERT INTO deliveries ({DELIVERY_COLUMNS}) SELECT {DELIVERY_COLUMNS} FROM _deliveries_0019")
    op.drop_table('_deliveries_0019')


def upgrade() -> None:
    op.create_table('dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=250), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('document_ids', sa.JSON(), nullable=False),
    sa.Column('delegations', sa.JSON(), nullable=True),
    sa.Column('list_ids', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_dispatches_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatches'))
    )
    op.create_index(op.f('ix_dispatches_meeting_id'), 'dispatches', ['meeting_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        _set_deliveries_aside()
        with op.batch_alter_table('sends', schema=None) as batch_op:
            batch_op.alter_column('release_id', existing_type=sa.Integer(), nullable=True)
            batch_op.add_column(sa.Column('dispatch_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_sends_dispatch_id_dispatches'), 'dispatches',
                                        ['dispatch_id'], ['id'], ondelete='CASCADE')
            batch_op.create_index(batch_op.f('ix_sends_dispatch_id'), ['dispatch_id'], unique=False)
        _create_deliveries(release_nullable=True, per_send=True)
        _refill_deliveries()
    else:
        op.alter_column('sends', 'release_id', existing_type=sa.Integer(), nullable=True)
        op.add_column('sends', sa.Column('dispatch_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_sends_dispatch_id_dispatches'), 'sends', 'dispatches',
                              ['dispatch_id'], ['id'], ondelete='CASCADE')
        op.create_index(op.f('ix_sends_dispatch_id'), 'sends', ['dispatch_id'], unique=False)
        op.alter_column('deliveries', 'release_id', existing_type=sa.Integer(), nullable=True)
        op.create_unique_constraint(op.f('uq_deliveries_send_id'), 'deliveries', ['send_id', 'contact_id'])


def downgrade() -> None:
    # Dispatches cannot live in the old schema: their sends (and deliveries) go with them.
    op.execute("DELETE FROM sends WHERE dispatch_id IS NOT NULL")
    if op.get_bind().dialect.name == 'sqlite':
        _set_deliveries_aside()
        with op.batch_alter_table('sends', schema=None) as batch_op:
            batch_op.drop_index(batch_op.f('ix_sends_dispatch_id'))
            batch_op.drop_constraint(batch_op.f('fk_sends_dispatch_id_dispatches'), type_='foreignkey')
            batch_op.drop_column('dispatch_id')
            batch_op.alter_column('release_id', existing_type=sa.Integer(), nullable=False)
        _create_deliveries(release_nullable=False, per_send=False)
        _refill_deliveries()
    else:
        op.drop_constraint(op.f('uq_deliveries_send_id'), 'deliveries', type_='unique')
        op.alter_column('deliveries', 'release_id', existing_type=sa.Integer(), nullable=False)
        op.drop_index(op.f('ix_sends_dispatch_id'), table_name='sends')
        op.drop_constraint(op.f('fk_sends_dispatch_id_dispatches'), 'sends', type_='foreignkey')
        op.drop_column('sends', 'dispatch_id')
        op.alter_column('sends', 'release_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index(op.f('ix_dispatches_meeting_id'), table_name='dispatches')
    op.drop_table('dispatches')
