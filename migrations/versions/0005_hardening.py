"""hardening: session versions, who made an enrollment

users.session_version is named by every session cookie; bumping it ends them all (logout,
password change, deactivation). Tokens of users already inactive are revoked, so that
reactivating them later revives no token.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='1'))
    op.execute(
        "UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE revoked_at IS NULL "
        "AND user_id IN (SELECT id FROM users WHERE NOT active)"
    )


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')
