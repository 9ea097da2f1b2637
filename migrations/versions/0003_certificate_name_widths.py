"""certificate holder and trainer names fit what they are built from

holder_name is first names + " " + last names (120 + 1 + 120 characters at most), and
trainer_name joins every trainer of the cohort, so 240 characters refused real data on
PostgreSQL. SQLite ignores VARCHAR lengths; batch mode keeps both dialects on one path.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 06:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.alter_column('holder_name', existing_type=sa.String(240), type_=sa.String(241),
                           existing_nullable=False)
        batch.alter_column('trainer_name', existing_type=sa.String(240), type_=sa.Text(),
                           existing_nullable=False)


def downgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.alter_column('trainer_name', existing_type=sa.Text(), type_=sa.String(240),
                           existing_nullable=False)
        batch.alter_column('holder_name', existing_type=sa.String(241), type_=sa.String(240),
                           existing_nullable=False)
