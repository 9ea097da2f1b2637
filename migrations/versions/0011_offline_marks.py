"""offline marks: every item the offline app sent, settled once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'offline_marks',
        sa.Column('mark_id', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('via', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_offline_marks_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('mark_id', name=op.f('pk_offline_marks')),
    )
    op.create_index(op.f('ix_offline_marks_session_id'), 'offline_marks', ['session_id'])


def downgrade():
    op.drop_index(op.f('ix_offline_marks_session_id'), table_name='offline_marks')
    op.drop_table('offline_marks')
