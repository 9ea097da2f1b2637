"""attendance mark id ledger

Every accepted API mark_id is kept in attendance_mark_ids, so a late retry is a replay
even after the mark was changed again; the single key on the mark is dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 06:10:19.788331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_mark_ids',
    sa.Column('mark_id', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_attendance_mark_ids_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_attendance_mark_ids_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mark_id', name=op.f('pk_attendance_mark_ids'))
    )
    with op.batch_alter_table('attendance_mark_ids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_mark_ids_enrollment_id'), ['enrollment_id'], unique=False)

    # The keys already stored on marks stay replays.
    op.execute(
        "INSERT INTO attendance_mark_ids (mark_id, session_id, enrollment_id, created_at) "
        "SELECT mark_id, session_id, enrollment_id, marked_at FROM attendance "
        "WHERE mark_id IS NOT NULL"
    )

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendance_mark_id'), type_='unique')
        batch_op.drop_column('mark_id')


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mark_id', sa.VARCHAR(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attendance_mark_id'), ['mark_id'])

    # One column holds one key per mark: the newest one is put back, the rest are lost.
    op.execute(
        "UPDATE attendance SET mark_id = ("
        "SELECT k.mark_id FROM attendance_mark_ids k "
        "WHERE k.session_id = attendance.session_id "
        "AND k.enrollment_id = attendance.enrollment_id "
        "ORDER BY k.created_at DESC, k.mark_id DESC LIMIT 1)"
    )

    with op.batch_alter_table('attendance_mark_ids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_mark_ids_enrollment_id'))

    op.drop_table('attendance_mark_ids')
