"""one document per product: the office may say a course's product counts as one achievement

courses.one_document_per_product: a person holding a valid document of one course of the
product that says so gets no document from another such course. Off by default: one valid
document per person and course.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('courses', sa.Column('one_document_per_product', sa.Boolean(),
                                       nullable=False, server_default=sa.false()))


def downgrade():
    # In place, also on SQLite (no constraint names the column): a batch copy of courses
    # would have to drop a table that cohorts point at.
    op.execute('ALTER TABLE courses DROP COLUMN one_document_per_product')
