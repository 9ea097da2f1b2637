"""live documents: exactly one live (neither revoked nor superseded) document per enrollment

Concurrent issues could leave an enrollment with several live documents. Existing
duplicates are reported and resolved before the unique partial index is created: the
oldest document stays live, every later one is superseded by it, and each change is
audited ("supersede", no actor: the migration did it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:10:00

"""
import logging
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

LIVE = 'revoked_at IS NULL AND superseded_by_id IS NULL'
INDEX = 'uq_certificates_live_enrollment'
log = logging.getLogger('alembic.runtime.migration')

certificates = sa.table(
    'certificates', sa.column('id', sa.Integer), sa.column('code', sa.String),
    sa.column('enrollment_id', sa.Integer), sa.column('issued_at', sa.DateTime),
    sa.column('revoked_at', sa.DateTime), sa.column('superseded_by_id', sa.Integer),
)
audit = sa.table(
    'audit_entries', sa.column('at', sa.DateTime), sa.column('actor_id', sa.Integer),
    sa.column('action', sa.String), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer), sa.column('changes', sa.JSON),
)


def resolve_duplicates(bind) -> list[tuple[int, str, list[str]]]:
    """Supersede every live document but the oldest of each enrollment; return what it did."""
    live = sa.and_(certificates.c.revoked_at.is_(None),
                   certificates.c.superseded_by_id.is_(None))
    rows = bind.execute(
        sa.select(certificates.c.id, certificates.c.code, certificates.c.enrollment_id)
        .where(live, certificates.c.enrollment_id.in_(
            sa.select(certificates.c.enrollment_id).where(live)
            .group_by(certificates.c.enrollment_id).having(sa.func.count() > 1)))
        .order_by(certificates.c.enrollment_id, certificates.c.issued_at, certificates.c.id)
    ).all()
    kept: dict[int, tuple[int, str]] = {}
    report: dict[int, list[str]] = {}
    entries = []
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for cert_id, code, enrollment_id in rows:
        if enrollment_id not in kept:
            kept[enrollment_id] = (cert_id, code)
            report[enrollment_id] = []
            continue
        bind.execute(sa.update(certificates).where(certificates.c.id == cert_id)
                     .values(superseded_by_id=kept[enrollment_id][0]))
        report[enrollment_id].append(code)
        entries.append({'at': now, 'actor_id': None, 'action': 'supersede',
                        'entity': 'certificates', 'entity_id': cert_id,
                        'changes': {'superseded_by_id': [None, kept[enrollment_id][0]],
                                    'reason': 'duplicate live document (migration 0008)'}})
    if entries:
        bind.execute(sa.insert(audit), entries)
    return [(e, kept[e][1], codes) for e, codes in report.items()]


def upgrade():
    resolved = resolve_duplicates(op.get_bind())
    log.info('Documents vigentes duplicados: %d inscripciones.', len(resolved))
    for enrollment_id, code, superseded in resolved:
        log.info('  inscripción %d: se conserva %s; reemplazados por él: %s',
                 enrollment_id, code, ', '.join(superseded))
    op.create_index(INDEX, 'certificates', ['enrollment_id'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    # The superseded duplicates stay superseded: which one was "the" document is decided.
    op.drop_index(INDEX, table_name='certificates')
