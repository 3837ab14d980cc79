"""Subscriber alerts: releases.notify_subscribers and subscribers_notified_at, sends.subscribers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 01:30:00.000000

Columns are added in place (no batch rebuild: deliveries and sends reference
releases, and a SQLite rebuild would delete their rows). Releases already public
when this runs count as notified, so upgrading never mails old news to subscribers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('releases', sa.Column('notify_subscribers', sa.Boolean(), nullable=False,
                                        server_default=sa.true()))
    op.add_column('releases', sa.Column('subscribers_notified_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('sends', sa.Column('subscribers', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE releases SET subscribers_notified_at = first_published_at "
               "WHERE first_published_at IS NOT NULL")


def downgrade() -> None:
    # In place on both backends, as the upgrade: a batch rebuild of releases (or sends) would
    # cascade-delete their revisions and deliveries on SQLite, where foreign keys are enforced.
    op.execute("ALTER TABLE sends DROP COLUMN subscribers")
    op.execute("ALTER TABLE releases DROP COLUMN subscribers_notified_at")
    op.execute("ALTER TABLE releases DROP COLUMN notify_subscribers")
