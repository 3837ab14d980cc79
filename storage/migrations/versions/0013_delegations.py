"""delegations (States, organisations, NGOs) and contacts.delegation_id, seeded
with every State's treaty dates from the UN Treaty Collection, chapter XXVI-5
(contacts/data/states.csv names its source and the date it is current to)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import storage.db
from contacts.delegation_seed import seed_delegations


revision = '0013'
# Other branches add 0010-0012; the lead chains them when merging.
down_revision = '0012'
branch_labels = None
depends_on = None

FK_NAME = 'fk_contacts_delegation_id_delegations'


def upgrade() -> None:
    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seed_key', sa.String(length=60), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_es', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('joined_by', sa.String(length=20), nullable=True),
    sa.Column('in_force_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_notified_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_effective_on', sa.Date(), nullable=True),
    sa.Column('mission_address', sa.Text(), nullable=False),
    sa.Column('mission_email', sa.String(length=320), nullable=False),
    sa.Column('mission_phone', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('search_text', sa.String(length=800), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
    sa.UniqueConstraint('name_key', name=op.f('uq_delegations_name_key')),
    sa.UniqueConstraint('seed_key', name=op.f('uq_delegations_seed_key'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_kind'), ['kind'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        # Not a batch "move and copy": foreign keys are enforced on our connections,
        # so dropping the old contacts table would cascade-delete every contact's
        # history, phones and list memberships. SQLite adds a nullable column with an
        # inline REFERENCES in place (no ON DELETE: SQLite would not reflect it, and
        # contacts.delegations.delete_delegation detaches focal points itself).
        op.execute(f'ALTER TABLE contacts ADD COLUMN delegation_id INTEGER CONSTRAINT {FK_NAME} '
                   'REFERENCES delegations (id)')
    else:
        op.add_column('contacts', sa.Column('delegation_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, 'contacts', 'delegations', ['delegation_id'], ['id'])
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_delegation_id'), ['delegation_id'], unique=False)

    # Every State with its dates, and the organisations that attend the meetings.
    seed_delegations(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_delegation_id'))
    if op.get_bind().dialect.name == 'sqlite':
        # In place, for the same reason as above (SQLite 3.35+ drops a column).
        op.execute('ALTER TABLE contacts DROP COLUMN delegation_id')
    else:
        op.drop_constraint(FK_NAME, 'contacts', type_='foreignkey')
        op.drop_column('contacts', 'delegation_id')

    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_kind'))
        batch_op.drop_index(batch_op.f('ix_delegations_country'))

    op.drop_table('delegations')
