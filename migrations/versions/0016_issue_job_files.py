"""issue job files: a finished batch as one ZIP or one merged PDF, built in the background

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 04:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'issue_job_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=3), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('ready_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['issue_jobs.id'], ondelete='CASCADE',
                                name='fk_issue_job_files_job_id_issue_jobs'),
        sa.PrimaryKeyConstraint('id', name='pk_issue_job_files'),
        sa.UniqueConstraint('job_id', 'kind', name='uq_issue_job_files_job_id_kind'),
    )


def downgrade():
    op.drop_table('issue_job_files')
