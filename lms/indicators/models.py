"""The per-person first qualifying events the indicator figures are read from."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class IndicatorEvent(db.Model):
    """A person's first qualifying event for one indicator: one row per indicator and person.

    Derived data, owned by ``lms.indicators.events`` (kept up to date in the transaction of
    every change it depends on) and always equal to what ``query.first_events`` computes
    from enrollments, cohorts, courses and documents; ``lms indicators --check`` compares.
    """

    __tablename__ = "indicator_events"
    __table_args__ = (Index("ix_indicator_events_indicator_date", "indicator_id", "event_date"),)

    #: The plan indicator.
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="CASCADE"), primary_key=True
    )
    #: The person counted.
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: The enrollment of the first event (earliest completion, then lowest id).
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    #: That enrollment's cohort (its site and course are the person's attribution).
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    #: The event date: the enrollment's completion date.
    event_date: Mapped[date]
    #: The cohort's site and course now (the site and course breakdowns and filters).
    site_id: Mapped[int]
    #: See site_id.
    course_id: Mapped[int]
    # The person's breakdown keys (query.person_keys; "no informa" when unknown), kept with
    # the event so no figure joins the people: a correction, merge or anonymisation of the
    # person refreshes them.
    #: Sex key.
    sex: Mapped[str] = mapped_column(String(20))
    #: Age group at the event date.
    age_group: Mapped[str] = mapped_column(String(20))
    #: Zone key (urbana, rural).
    zone: Mapped[str] = mapped_column(String(20))
    #: Comuna or corregimiento.
    area: Mapped[str] = mapped_column(String(80))
    #: Self-declared ethnic group (sensitive data, optional: statistics only, erased with
    #: the person).
    ethnic: Mapped[str] = mapped_column(String(40))
    #: Declared disability: si, no or "no informa".
    disability: Mapped[str] = mapped_column(String(20))
    #: Declared victim of the armed conflict: si, no or "no informa".
    victim: Mapped[str] = mapped_column(String(20))
    #: Declared migrant: si, no or "no informa".
    migrant: Mapped[str] = mapped_column(String(20))
