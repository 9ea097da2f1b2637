"""Citizen download links are signed, not stored: the stored link hashes are cleared.

The column stays (dropping it rebuilds the certificates table on SQLite); nothing writes
or reads it any more. Links given before this migration stop working; a new lookup on the
portal gives working ones.

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE certificates SET download_token_hash = NULL "
               "WHERE download_token_hash IS NOT NULL")


def downgrade():
    pass  # the hashes named one-time links; nothing to restore
