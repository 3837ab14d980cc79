"""the document register (issue 16): meetings.symbol_prefix, register_documents, register_files,
register_texts with their full-text index, symbol counters; first-wave documents copied in

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:30:00.000000
"""
import json

from alembic import op
import sqlalchemy as sa
import storage.db

from storage import fulltext


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The index as this revision creates it (comms/documents/models.py declares the same).
REGISTER = fulltext.FullTextIndex(
    name="register", source="register_texts", key="id",
    fields=(fulltext.Field("title", "A"), fulltext.Field("symbol", "B"), fulltext.Field("body", "C")),
    language=None, snippet_fields=("body", "title"),
)


def upgrade() -> None:
    # Added in place (no batch rebuild: other tables reference meetings).
    op.add_column('meetings', sa.Column('symbol_prefix', sa.String(length=100), nullable=False, server_default=''))
    op.create_table('register_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.Column('distribution', sa.String(length=10), nullable=False),
    sa.Column('original_language', sa.String(length=8), nullable=False),
    sa.Column('agenda_items', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_days_before', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('issued_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('relation', sa.String(length=4), nullable=True),
    sa.Column('relation_number', sa.Integer(), nullable=True),
    sa.Column('delegation_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=300), nullable=False),
    sa.Column('delivered_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('legacy_document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['register_documents.id'], name=op.f('fk_register_documents_base_id_register_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegations.id'], name=op.f('fk_register_documents_delegation_id_delegations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_register_documents_meeting_id_meetings'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_documents')),
    sa.UniqueConstraint('legacy_document_id', name=op.f('uq_register_documents_legacy_document_id')),
    sa.UniqueConstraint('symbol', name=op.f('uq_register_documents_symbol'))
    )
    for column in ('base_id', 'delegation_id', 'kind', 'meeting_id', 'status'):
        op.create_index(op.f(f'ix_register_documents_{column}'), 'register_documents', [column], unique=False)
    op.create_table('register_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('text_status', sa.String(length=12), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['register_documents.id'], name=op.f('fk_register_files_document_id_register_documents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_files')),
    sa.UniqueConstraint('document_id', 'language', name=op.f('uq_register_files_document_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_register_files_stored_name'))
    )
    op.create_index(op.f('ix_register_files_document_id'), 'register_files', ['document_id'], unique=False)
    op.create_table('register_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['register_documents.id'], name=op.f('fk_register_texts_document_id_register_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_texts')),
    sa.UniqueConstraint('document_id', 'language', name=op.f('uq_register_texts_document_id'))
    )
    op.create_index(op.f('ix_register_texts_document_id'), 'register_texts', ['document_id'], unique=False)
    op.create_table('register_counters',
    sa.Column('series', sa.String(length=130), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', name=op.f('pk_register_counters'))
    )
    connection = op.get_bind()
    fulltext.create_index(connection, REGISTER)
    _copy_first_wave(connection)


# First-wave kinds (programme, background, statement, report, other) are register kinds too.
FIRST_WAVE_KINDS = {"programme", "background", "statement", "report", "other"}


def _copy_first_wave(connection) -> None:
    """First-wave documents into the register: public ones issued, the others received.

    No symbol (no meeting has a prefix before this revision); the title in the
    meeting's first language; the files keep their stored names and hashes. Their
    text is read later by `pressroom documents extract` (the files' folder is
    configuration, not known to a migration).
    """
    meetings = {row.id: row for row in connection.execute(sa.text("SELECT id, languages FROM meetings"))}
    documents = connection.execute(sa.text(
        "SELECT id, meeting_id, title, kind, public, created_at, published_at FROM documents ORDER BY id")).all()
    files = connection.execute(sa.text(
        "SELECT document_id, language, filename, stored_name, content_type, size, sha256, uploaded_at "
        "FROM document_files ORDER BY id")).all()
    table = sa.table('register_documents', *(sa.column(c) for c in (
        'meeting_id', 'symbol', 'kind', 'titles', 'distribution', 'original_language', 'agenda_items', 'status',
        'issued_on', 'issued_at', 'author', 'legacy_document_id', 'created_at', 'updated_at')))
    table.c.titles.type = sa.JSON()
    table.c.agenda_items.type = sa.JSON()
    for doc in documents:
        languages = meetings[doc.meeting_id].languages
        if isinstance(languages, str):
            languages = json.loads(languages)
        language = (languages or ["en"])[0]
        own = [f for f in files if f.document_id == doc.id]
        issued = bool(doc.public)
        published = doc.published_at or doc.created_at
        connection.execute(table.insert().values(
            meeting_id=doc.meeting_id, symbol=None, kind=doc.kind if doc.kind in FIRST_WAVE_KINDS else "other",
            titles={language: doc.title}, distribution="general", original_language=language, agenda_items=[],
            status="issued" if issued else ("received" if own else "planned"),
            issued_on=_date(published) if issued else None, issued_at=published if issued else None,
            author="", legacy_document_id=doc.id, created_at=doc.created_at, updated_at=doc.created_at))
        new_id = connection.execute(sa.text("SELECT id FROM register_documents WHERE legacy_document_id = :d"),
                                    {"d": doc.id}).scalar_one()
        for f in own:
            connection.execute(sa.text(
                "INSERT INTO register_files (document_id, language, filename, stored_name, content_type, size, "
                "sha256, text_status, pages, uploaded_at) VALUES (:document_id, :language, :filename, "
                ":stored_name, :content_type, :size, :sha256, 'pending', NULL, :uploaded_at)"),
                {**f._asdict(), "document_id": new_id})
        rows = {language} | {f.language for f in own}
        for code in sorted(rows):
            connection.execute(sa.text("INSERT INTO register_texts (document_id, language, body) VALUES (:d, :l, '')"),
                               {"d": new_id, "l": code})
        texts = connection.execute(sa.text("SELECT id, language FROM register_texts WHERE document_id = :d"),
                                   {"d": new_id}).all()
        fulltext.index_rows(connection, REGISTER, [
            fulltext.Entry(t.id, {"title": doc.title, "symbol": "", "body": ""}, t.language) for t in texts], new=True)


def _date(value):
    if isinstance(value, str):
        return value[:10]
    return value.date() if value is not None else None


def downgrade() -> None:
    connection = op.get_bind()
    fulltext.drop_index(connection, REGISTER)
    op.drop_table('register_counters')
    op.drop_table('register_texts')
    op.drop_table('register_files')
    op.drop_table('register_documents')
    # In place on both backends: a batch rebuild of meetings would cascade-delete what references it.
    op.execute("ALTER TABLE meetings DROP COLUMN symbol_prefix")
