"""certificates get an Open Badges subject id and a random status-list index

Each document's credentialSubject.id is a random urn:uuid (never the document number),
and each owns one random bit of the revocation BitstringStatusList (131,072 entries).
Existing documents get theirs here, so every document ever issued has a credential.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:00:00

"""
import random
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: lms.certificates.statuslist.SIZE at the time of this migration.
SIZE = 131_072


def upgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.add_column(sa.Column('subject_id', sa.String(45), nullable=True))
        batch.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
    conn = op.get_bind()
    table = sa.table('certificates', sa.column('id', sa.Integer),
                     sa.column('subject_id', sa.String), sa.column('status_index', sa.Integer))
    ids = [row[0] for row in conn.execute(sa.select(table.c.id).order_by(table.c.id))]
    if len(ids) > SIZE:
        raise RuntimeError('More documents than status-list entries.')
    indexes = random.SystemRandom().sample(range(SIZE), len(ids))
    for cert_id, index in zip(ids, indexes):
        conn.execute(table.update().where(table.c.id == cert_id).values(
            subject_id=f'urn:uuid:{uuid.uuid4()}', status_index=index))
    with op.batch_alter_table('certificates') as batch:
        batch.alter_column('subject_id', existing_type=sa.String(45), nullable=False)
        batch.alter_column('status_index', existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint('uq_certificates_subject_id', ['subject_id'])
        batch.create_unique_constraint('uq_certificates_status_index', ['status_index'])


def downgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.drop_constraint('uq_certificates_status_index', type_='unique')
        batch.drop_constraint('uq_certificates_subject_id', type_='unique')
        batch.drop_column('status_index')
        batch.drop_column('subject_id')
