"""indicator event keys: each first event stores the cohort's site and course and the
person's breakdown keys, so the dashboard and exports never join the people

The table is derived data: it is emptied and filled again here with the counting rule and
the breakdown keys as they stand at this revision (lms.indicators.query.first_events and
person_keys): sex, zone and area ("no informa" when unknown), the age group at the event date
(<18, 18-28, 29-59, 60+), the self-declared ethnic group and the si/no/"no informa" flags.
`flask lms indicators --rebuild` recomputes it with the code's rule at any later time.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

KEYS = ('sex', 'age_group', 'zone', 'area', 'ethnic', 'disability', 'victim', 'migrant')
YMD = {
    'postgresql': "CAST(date_part('year', {0}) * 10000 + date_part('month', {0}) * 100"
                  " + date_part('day', {0}) AS INTEGER)",
    'sqlite': "CAST(REPLACE({0}, '-', '') AS INTEGER)",
}
FILL = """
INSERT INTO indicator_events (indicator_id, person_id, enrollment_id, cohort_id, event_date,
                              site_id, course_id, sex, age_group, zone, area, ethnic,
                              disability, victim, migrant)
SELECT r.indicator_id, r.person_id, r.enrollment_id, r.cohort_id, r.event_date,
       r.site_id, r.course_id,
       COALESCE(p.sex, 'no informa'),
       CASE WHEN p.birth_date IS NULL THEN 'no informa'
            WHEN {age} < 180000 THEN '<18'
            WHEN {age} < 290000 THEN '18-28'
            WHEN {age} < 600000 THEN '29-59'
            ELSE '60+' END,
       COALESCE(p.zone, 'no informa'),
       COALESCE(p.area, 'no informa'),
       CASE WHEN COALESCE(s.ethnic_group, '') = '' THEN 'no informa' ELSE s.ethnic_group END,
       CASE WHEN s.disability THEN 'si' WHEN NOT s.disability THEN 'no' ELSE 'no informa' END,
       CASE WHEN s.victim THEN 'si' WHEN NOT s.victim THEN 'no' ELSE 'no informa' END,
       CASE WHEN s.migrant THEN 'si' WHEN NOT s.migrant THEN 'no' ELSE 'no informa' END
FROM (
    SELECT i.id AS indicator_id, e.person_id, e.id AS enrollment_id, e.cohort_id,
           e.completed_on AS event_date, h.site_id, h.course_id,
           row_number() OVER (PARTITION BY i.id, e.person_id
                              ORDER BY e.completed_on, e.id) AS rn
    FROM plan_indicators i
    JOIN courses c ON c.product_code = i.product_code
    JOIN cohorts h ON h.course_id = c.id
    JOIN enrollments e ON e.cohort_id = h.id
    WHERE e.completed_on IS NOT NULL
      AND e.completed_on >= i.period_start AND e.completed_on <= i.period_end
      AND (i.rule <> 'certified' OR EXISTS (
          SELECT 1 FROM certificates d WHERE d.enrollment_id = e.id
          AND d.revoked_at IS NULL AND d.superseded_by_id IS NULL))
) r
JOIN people p ON p.id = r.person_id
LEFT JOIN people_sensitive s ON s.person_id = r.person_id
WHERE r.rn = 1
"""


def upgrade():
    op.execute('DELETE FROM indicator_events')  # derived: filled again below, with the keys
    with op.batch_alter_table('indicator_events') as batch:
        for name in ('site_id', 'course_id'):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False))
        for name in KEYS:
            size = 80 if name == 'area' else 40 if name == 'ethnic' else 20
            batch.add_column(sa.Column(name, sa.String(size), nullable=False))
    ymd = YMD.get(op.get_bind().dialect.name, YMD['postgresql'])
    age = f"({ymd.format('r.event_date')} - {ymd.format('p.birth_date')})"
    op.execute(FILL.format(age=age))
    if op.get_bind().dialect.name == 'postgresql':
        # Fresh statistics, or the first dashboards plan as if the table were empty.
        op.execute('ANALYZE indicator_events')


def downgrade():
    # The events stay; only what is stored with them goes.
    with op.batch_alter_table('indicator_events') as batch:
        for name in ('site_id', 'course_id', *KEYS):
            batch.drop_column(name)
