"""mail status: each message's delivery state, last error and named attachment

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_messages') as batch:
        batch.add_column(sa.Column('attachment', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('status', sa.String(length=10), nullable=False,
                                   server_default='pending'))
        batch.add_column(sa.Column('error', sa.String(length=300), nullable=True))
    op.execute("UPDATE mail_messages SET status = 'sent' WHERE sent_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_column('error')
        batch.drop_column('status')
        batch.drop_column('attachment')
