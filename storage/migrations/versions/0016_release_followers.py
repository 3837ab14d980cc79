"""Release followers: officers who hear about approvers' decisions on a release

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:00:00.000000

A new table only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'release_followers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('release_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['release_id'], ['releases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('release_id', 'user_id'),
    )
    op.create_index('ix_release_followers_release_id', 'release_followers', ['release_id'])
    op.create_index('ix_release_followers_user_id', 'release_followers', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_release_followers_user_id', table_name='release_followers')
    op.drop_index('ix_release_followers_release_id', table_name='release_followers')
    op.drop_table('release_followers')
