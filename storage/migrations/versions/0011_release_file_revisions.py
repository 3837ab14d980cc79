"""release file revisions: attachments are content, named by each revision; approval email failures

A release's photo and PDF used to be one row per (release, kind), changed in place:
an upload changed the public page at once. Now each upload is a new row and a
revision names its files in ``content["attachments"]``. Existing files are named by
every revision of their release, so what the public sees does not change on upgrade.
``approval_requests.email_error`` records why an approval email could not be sent.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_files = sa.table('release_files', sa.column('id', sa.Integer), sa.column('release_id', sa.Integer),
                  sa.column('kind', sa.String), sa.column('filename', sa.String), sa.column('caption', sa.String),
                  sa.column('sha256', sa.String))
_revisions = sa.table('release_revisions', sa.column('id', sa.Integer), sa.column('release_id', sa.Integer),
                      sa.column('content', sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table('release_files', schema=None) as batch_op:
        batch_op.drop_constraint('uq_release_files_release_id', type_='unique')
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_error', sa.Text(), nullable=True))

    connection = op.get_bind()
    named: dict[int, dict] = {}
    for row in connection.execute(sa.select(_files)):
        named.setdefault(row.release_id, {})[row.kind] = {
            "file_id": row.id, "filename": row.filename, "caption": row.caption, "sha256": row.sha256}
    for release_id, attachments in named.items():
        for revision_id, content in connection.execute(
                sa.select(_revisions.c.id, _revisions.c.content).where(_revisions.c.release_id == release_id)):
            connection.execute(_revisions.update().where(_revisions.c.id == revision_id)
                               .values(content={**(content or {}), "attachments": attachments}))


def downgrade() -> None:
    connection = op.get_bind()
    # One file per (release, kind) again: keep the newest upload of each.
    newest = sa.select(sa.func.max(_files.c.id)).group_by(_files.c.release_id, _files.c.kind)
    connection.execute(_files.delete().where(_files.c.id.not_in(newest)))
    for revision_id, content in connection.execute(sa.select(_revisions.c.id, _revisions.c.content)):
        if content and "attachments" in content:
            connection.execute(_revisions.update().where(_revisions.c.id == revision_id).values(
                content={key: value for key, value in content.items() if key != "attachments"}))
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_column('email_error')
    with op.batch_alter_table('release_files', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_release_files_release_id', ['release_id', 'kind'])
