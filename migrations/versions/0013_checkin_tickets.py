"""check-in tickets and conflicts

A self check-in ticket marks one person once: the hash of each spent ticket is kept
(checkin_tickets, unique). A QR check-in that meets a mark the trainer set is kept as a
request of kind "conflict" naming the enrollment, for the trainer to settle.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checkin_tickets',
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_checkin_tickets_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_hash', name=op.f('pk_checkin_tickets'))
    )
    with op.batch_alter_table('checkin_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='unknown'))
        batch_op.add_column(sa.Column('enrollment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_checkin_requests_enrollment_id_enrollments'), 'enrollments', ['enrollment_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('checkin_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_checkin_requests_enrollment_id_enrollments'), type_='foreignkey')
        batch_op.drop_column('enrollment_id')
        batch_op.drop_column('kind')
    op.drop_table('checkin_tickets')
