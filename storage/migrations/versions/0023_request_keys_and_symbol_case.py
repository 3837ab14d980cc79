"""request_keys (idempotency keys and form nonces); register symbols unique whatever their case

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:00:00.000000

``request_keys`` holds one row per key a caller used (storage.idempotency): an API
``Idempotency-Key`` or a staff form's one-time nonce, with the answer it got.

Symbols become unique case-insensitively through a unique index on ``upper(symbol)``
(an expression index: both SQLite and PostgreSQL have them, and creating an index never
rebuilds the table, so no foreign key cascade can touch the documents that refer to
it). A database that already holds two symbols differing only by case cannot take the
index: the upgrade then leaves it out, says which symbols clash, and the application's
own check still refuses new clashes; this migration never renames an issued symbol.
"""
import logging

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

SYMBOL_INDEX = 'uq_register_documents_symbol_upper'
log = logging.getLogger('alembic.runtime.migration')


def upgrade() -> None:
    op.create_table('request_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_keys')),
    sa.UniqueConstraint('scope', 'key', name='uq_request_keys_scope_key')
    )
    op.create_index(op.f('ix_request_keys_created_at'), 'request_keys', ['created_at'], unique=False)

    clashes = op.get_bind().execute(sa.text(
        "SELECT upper(symbol) FROM register_documents WHERE symbol IS NOT NULL "
        "GROUP BY upper(symbol) HAVING count(*) > 1 ORDER BY upper(symbol)")).scalars().all()
    if clashes:
        log.warning("register symbols differing only by case (%s): %s left out; new clashes are still refused",
                    ", ".join(clashes[:20]), SYMBOL_INDEX)
        return
    op.create_index(SYMBOL_INDEX, 'register_documents', [sa.text('upper(symbol)')], unique=True)


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {SYMBOL_INDEX}")
    op.drop_index(op.f('ix_request_keys_created_at'), table_name='request_keys')
    op.drop_table('request_keys')
