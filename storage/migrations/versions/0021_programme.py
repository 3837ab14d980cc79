"""Agenda items, programmes with versions, office holders' availability and bilaterals

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:00:00.000000

New tables only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'agenda_items',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('meeting_id', sa.Integer(), sa.ForeignKey('meetings.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(20), nullable=False),
        sa.Column('titles', sa.JSON(), nullable=False),
        sa.Column('documents', sa.JSON(), nullable=False),
        sa.UniqueConstraint('meeting_id', 'number'),
    )
    op.create_index('ix_agenda_items_meeting_id', 'agenda_items', ['meeting_id'])
    op.create_table(
        'programmes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('meeting_id', sa.Integer(), sa.ForeignKey('meetings.id', ondelete='CASCADE'), nullable=False,
                  unique=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('next_session_id', sa.Integer(), nullable=False),
        sa.Column('approved_version', sa.Integer(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL'), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_version', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sequences', sa.JSON(), nullable=False),
        sa.Column('cancelled', sa.JSON(), nullable=False),
        sa.Column('last_changes', sa.JSON(), nullable=False),
    )
    op.create_table(
        'programme_versions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('programme_id', sa.Integer(), sa.ForeignKey('programmes.id', ondelete='CASCADE'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('programme_id', 'version'),
    )
    op.create_index('ix_programme_versions_programme_id', 'programme_versions', ['programme_id'])
    op.create_table(
        'office_holder_availability',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('meeting_id', sa.Integer(), sa.ForeignKey('meetings.id', ondelete='CASCADE'), nullable=False),
        sa.Column('office_holder_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_office_holder_availability_meeting_id', 'office_holder_availability', ['meeting_id'])
    op.create_index('ix_office_holder_availability_office_holder_id', 'office_holder_availability',
                    ['office_holder_id'])
    op.create_table(
        'bilaterals',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('meeting_id', sa.Integer(), sa.ForeignKey('meetings.id', ondelete='CASCADE'), nullable=False),
        sa.Column('delegation_id', sa.Integer(), sa.ForeignKey('delegations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('office_holder_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('topic', sa.String(300), nullable=False),
        sa.Column('attendees', sa.JSON(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('room', sa.String(120), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('uid', sa.String(120), nullable=False, unique=True),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_bilaterals_meeting_id', 'bilaterals', ['meeting_id'])
    op.create_index('ix_bilaterals_delegation_id', 'bilaterals', ['delegation_id'])
    op.create_index('ix_bilaterals_office_holder_id', 'bilaterals', ['office_holder_id'])


def downgrade() -> None:
    op.drop_table('bilaterals')
    op.drop_table('office_holder_availability')
    op.drop_table('programme_versions')
    op.drop_table('programmes')
    op.drop_table('agenda_items')
