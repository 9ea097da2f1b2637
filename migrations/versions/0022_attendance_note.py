"""An optional short note on an attendance mark ("llegó tarde por el transporte").

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("note", sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("note")
