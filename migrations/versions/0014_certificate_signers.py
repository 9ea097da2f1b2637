"""certificate signers: who signs (name, title, signature image), frozen per document

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_signers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('title', sa.String(length=160), nullable=False),
        sa.Column('image', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL',
                                name='fk_certificate_signers_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_certificate_signers'),
    )
    # A plain column: adding a foreign key would make SQLite copy the whole table.
    op.add_column('certificates', sa.Column('signer_id', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('certificates', 'signer_id')
    op.drop_table('certificate_signers')
