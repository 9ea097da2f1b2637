"""pdf storage: issued PDFs are stored as they are, not compressed again by PostgreSQL

A PDF's streams are already deflated; PostgreSQL's default (EXTENDED) storage would try to
compress every 50 KB file again with pglz on each issue, spending the server's CPU for
nothing. EXTERNAL keeps it out of line, uncompressed. SQLite has no such setting.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE certificates ALTER COLUMN pdf SET STORAGE EXTERNAL')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE certificates ALTER COLUMN pdf SET STORAGE EXTENDED')
