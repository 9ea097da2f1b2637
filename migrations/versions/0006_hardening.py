"""hardening: session versions, who made an enrollment

enrollments.enrolled_by_id says who enrolled the person: a trainer's enrollments are
withdrawn, never deleted.

users.session_version is named by every session cookie; bumping it ends them all (logout,
password change, deactivation). Tokens of users already inactive are revoked, so that
reactivating them later revives no token.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


FK = 'fk_enrollments_enrolled_by_id_users'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    op.add_column('users', sa.Column('session_version', sa.Integer(), nullable=False,
                                     server_default='1'))
    columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('enrollments')}
    if _sqlite() and 'enrolled_by_id' in columns:
        pass  # left by a downgrade (see there)
    elif _sqlite():
        # In place: a batch copy of enrollments would have to drop a table that attendance
        # and certificates rows point at (and SQLite cannot turn foreign keys off inside
        # the migration's transaction).
        op.execute('ALTER TABLE enrollments ADD COLUMN enrolled_by_id INTEGER '
                   f'CONSTRAINT {FK} REFERENCES users (id) ON DELETE SET NULL')
    else:
        op.add_column('enrollments', sa.Column('enrolled_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'enrollments', 'users', ['enrolled_by_id'], ['id'],
                              ondelete='SET NULL')
    op.execute(
        "UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE revoked_at IS NULL "
        "AND user_id IN (SELECT id FROM users WHERE NOT active)"
    )


def downgrade():
    if _sqlite():
        # SQLite drops a column in place only when no constraint names it: enrolled_by_id
        # (nullable, ignored by older code) stays rather than copying the table (see above).
        op.execute('ALTER TABLE users DROP COLUMN session_version')
        return
    op.drop_constraint(FK, 'enrollments', type_='foreignkey')
    op.drop_column('enrollments', 'enrolled_by_id')
    op.drop_column('users', 'session_version')
