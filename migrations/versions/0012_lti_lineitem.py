"""lti: the context's AGS line item

lti_contexts.lineitem_url is the "Asistencia (%)" line item the tool created or found on
the platform (resourceId = cohort code), where attendance scores are posted.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lti_contexts') as batch:
        batch.add_column(sa.Column('lineitem_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('lti_contexts') as batch:
        batch.drop_column('lineitem_url')
