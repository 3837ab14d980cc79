"""participants.language: the language a participant's emails are written in

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 08:00:00.000000

One short column, 'en' for everyone registered before: they were written to in English.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('participants', sa.Column('language', sa.String(8), nullable=False, server_default='en'))


def downgrade() -> None:
    # In place on both backends: a batch rebuild of participants on SQLite (foreign keys on) could
    # take rows that point at it with it.
    op.execute("ALTER TABLE participants DROP COLUMN language")
