"""password_links: invitation and reset links an admin sends instead of typing someone's password

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 05:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0018'
# Other branches add 0016-0017; the coordinator chains them when merging.
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('password_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', storage.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', storage.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', storage.db.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_password_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_links_token_hash'))
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_links_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('password_links')
