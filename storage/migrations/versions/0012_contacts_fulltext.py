"""contacts' full-text index (storage.fulltext), filled from the existing contacts, and their name order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from storage import fulltext


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The index as this revision creates it (contacts/search_index.py declares the same).
CONTACTS = fulltext.FullTextIndex(
    name="contacts", source="contacts", key="id",
    fields=(fulltext.Field("name", "A"), fulltext.Field("email", "B"), fulltext.Field("outlet", "B"),
            fulltext.Field("role", "C")),
    language="", prefix="all", snippets=False, ordered=True,
)


def _entries(connection):
    rows = connection.execute(sa.text(
        "SELECT contacts.id, contacts.name, contacts.email, outlets.name, contacts.role, contacts.search_text "
        "FROM contacts "
        "LEFT JOIN outlets ON outlets.id = contacts.outlet_id ORDER BY contacts.id").execution_options(yield_per=2000))
    for contact_id, name, email, outlet, role, search_text in rows:
        yield fulltext.Entry(contact_id, {"name": name, "email": email, "outlet": outlet or "", "role": role or ""},
                             sort=search_text)


def upgrade() -> None:
    connection = op.get_bind()
    fulltext.create_index(connection, CONTACTS)
    fulltext.index_rows(connection, CONTACTS, _entries(connection), new=True)
    op.create_index('ix_contacts_search_text', 'contacts', ['search_text', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_contacts_search_text', table_name='contacts')
    fulltext.drop_index(op.get_bind(), CONTACTS)
