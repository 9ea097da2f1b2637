"""indicator events: each person's first qualifying event per indicator, filled now

The figures of the dashboard, exports, API and open data are read from this table, which
lms.indicators.events keeps up to date in the transaction of every change. The backfill
below is the counting rule as it stands at this revision (lms.indicators.query.first_events):
a complete enrollment in a course of the indicator's product, completed inside the period,
certified by a valid document for the "certified" rule; per person the earliest completion,
ties to the lowest enrollment id. `flask lms indicators --rebuild` recomputes it with the
code's rule at any later time.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO indicator_events (indicator_id, person_id, enrollment_id, cohort_id, event_date)
SELECT indicator_id, person_id, enrollment_id, cohort_id, event_date FROM (
    SELECT i.id AS indicator_id, e.person_id, e.id AS enrollment_id, e.cohort_id,
           e.completed_on AS event_date,
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
) ranked
WHERE rn = 1
"""


def upgrade():
    op.create_table(
        'indicator_events',
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicators.id'],
                                name=op.f('fk_indicator_events_indicator_id_plan_indicators'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_indicator_events_person_id_people'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_indicator_events_enrollment_id_enrollments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'],
                                name=op.f('fk_indicator_events_cohort_id_cohorts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('indicator_id', 'person_id', name=op.f('pk_indicator_events')),
    )
    op.create_index('ix_indicator_events_person_id', 'indicator_events', ['person_id'])
    op.create_index('ix_indicator_events_enrollment_id', 'indicator_events', ['enrollment_id'])
    op.create_index('ix_indicator_events_indicator_date', 'indicator_events',
                    ['indicator_id', 'event_date'])
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == 'postgresql':
        # Fresh statistics, or the first dashboards plan as if the table were empty.
        op.execute('ANALYZE indicator_events')


def downgrade():
    op.drop_table('indicator_events')
