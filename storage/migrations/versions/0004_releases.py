"""releases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 23:51:03.927904
"""
from alembic import op
import sqlalchemy as sa
import storage.db
import datetime as dt

# The standard paragraph about the Convention, seeded once; admins edit it later.
SEEDED_AT = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
BOILERPLATES = {
    "en": ("The Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel "
           "Mines and on their Destruction (the Anti-Personnel Mine Ban Convention) was adopted in 1997 and entered "
           "into force in 1999. More than 160 States have joined it. They commit never to use, develop, produce, "
           "stockpile or transfer anti-personnel mines, to destroy their stockpiles, to clear mined areas and to "
           "assist victims."),
    "fr": ("La Convention sur l'interdiction de l'emploi, du stockage, de la production et du transfert des mines "
           "antipersonnel et sur leur destruction a été adoptée en 1997 et est entrée en vigueur en 1999. Plus de "
           "160 États y ont adhéré. Ils s'engagent à ne jamais employer, mettre au point, produire, stocker ou "
           "transférer de mines antipersonnel, à détruire leurs stocks, à déminer les zones minées et à porter "
           "assistance aux victimes."),
    "es": ("La Convención sobre la prohibición del empleo, almacenamiento, producción y transferencia de minas "
           "antipersonal y sobre su destrucción fue adoptada en 1997 y entró en vigor en 1999. Más de 160 Estados "
           "se han adherido a ella. Se comprometen a no emplear, desarrollar, producir, almacenar ni transferir "
           "nunca minas antipersonal, a destruir sus existencias, a limpiar las zonas minadas y a asistir a las "
           "víctimas."),
}


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    boilerplates = op.create_table('boilerplates',
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('language', name=op.f('pk_boilerplates'))
    )
    op.bulk_insert(boilerplates, [{'language': language, 'text': text, 'updated_at': SEEDED_AT}
                                  for language, text in BOILERPLATES.items()])
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('translation_of_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('approved_revision', sa.Integer(), nullable=True),
    sa.Column('published_revision', sa.Integer(), nullable=True),
    sa.Column('approval_policy', sa.String(length=8), nullable=False),
    sa.Column('embargo_until', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('publish_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_published_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_published_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('retracted_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('retraction_note', sa.Text(), nullable=False),
    sa.Column('slug_locked', sa.Boolean(), nullable=False),
    sa.Column('public_search', sa.Text(), nullable=False),
    sa.Column('public_topics', sa.String(length=500), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_releases_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_releases_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['translation_of_id'], ['releases.id'], name=op.f('fk_releases_translation_of_id_releases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('slug', 'language', name=op.f('uq_releases_slug'))
    )
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_releases_embargo_until'), ['embargo_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_first_published_at'), ['first_published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_publish_at'), ['publish_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_slug'), ['slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_translation_of_id'), ['translation_of_id'], unique=False)

    op.create_table('release_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('author_label', sa.String(length=200), nullable=False),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_revisions_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_revisions')),
    sa.UniqueConstraint('release_id', 'number', name=op.f('uq_release_revisions_release_id'))
    )
    with op.batch_alter_table('release_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_revisions_release_id'), ['release_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('release_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_revisions_release_id'))

    op.drop_table('release_revisions')
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_releases_translation_of_id'))
        batch_op.drop_index(batch_op.f('ix_releases_status'))
        batch_op.drop_index(batch_op.f('ix_releases_slug'))
        batch_op.drop_index(batch_op.f('ix_releases_publish_at'))
        batch_op.drop_index(batch_op.f('ix_releases_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_releases_first_published_at'))
        batch_op.drop_index(batch_op.f('ix_releases_embargo_until'))

    op.drop_table('releases')
    op.drop_table('boilerplates')
