"""One valid document per person and achievement (issue 9 part 18).

An achievement is a course or, where the office ticks ``Course.one_document_per_product``,
the product shared by every course that ticks it. Whoever holds a valid document of it gets
no second one, from another cohort of the same course or from a sibling course; the
enrollment is warned about at enrollment time (rights.py) and skipped at issue.

Not a unique index: the achievement spans enrollments, cohorts and a setting that can
change. Instead every issue path locks the holders' person rows first (in id order, so two
batches cannot deadlock) and then checks, so two issues for one person take turns.
"""

from sqlalchemy import and_, literal, or_, select
from sqlalchemy.orm import aliased

from lms.certificates.models import Certificate
from lms.courses.models import Cohort, Course, Enrollment
from lms.extensions import db
from lms.people.models import Person

_Enrollment = aliased(Enrollment)
_Cohort = aliased(Cohort)
_Course = aliased(Course)


def held(person_id, course_id, product_code, per_product, enrollment_id=None):
    """SELECT of the codes of valid documents the person holds for the same achievement.

    Arguments are SQL expressions: outer columns (a correlated condition, as in
    ``issue.eligible_filter``) or plain values (one enrollment, one warning).
    """
    query = (
        select(Certificate.code)
        .join(_Enrollment, _Enrollment.id == Certificate.enrollment_id)
        .join(_Cohort, _Cohort.id == _Enrollment.cohort_id)
        .join(_Course, _Course.id == _Cohort.course_id)
        .where(
            Certificate.is_valid,
            _Enrollment.person_id == person_id,
            or_(_Course.id == course_id,
                and_(literal(per_product) if isinstance(per_product, bool) else per_product,
                     _Course.one_document_per_product.is_(True),
                     _Course.product_code == product_code)),
        )
    )
    if enrollment_id is not None:
        query = query.where(_Enrollment.id != enrollment_id)
    return query


def held_by(person_id: int, course: Course, enrollment_id: int | None = None) -> str | None:
    """The code of a valid document the person holds for this course's achievement."""
    return db.session.scalar(held(person_id, course.id, course.product_code,
                                  course.one_document_per_product, enrollment_id).limit(1))


def lock_holders(enrollment_ids: list[int]) -> None:
    """Lock the people these enrollments belong to, until the transaction ends."""
    if enrollment_ids:
        db.session.execute(
            select(Person.id)
            .where(Person.id.in_(select(Enrollment.person_id)
                                 .where(Enrollment.id.in_(enrollment_ids))))
            .order_by(Person.id).with_for_update()
        )


def one_per_achievement(enrollment_ids: list[int]) -> list[int]:
    """Of these (eligible) enrollments, the first of each person and achievement, in order."""
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.person_id, Course.id, Course.product_code,
               Course.one_document_per_product)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.id.in_(enrollment_ids))
        .order_by(Enrollment.completed_on, Enrollment.id)
    ).all()
    seen, kept = set(), set()
    for enrollment_id, person_id, course_id, product, per_product in rows:
        key = (person_id, "product", product) if per_product else (person_id, "course", course_id)
        if key not in seen:
            seen.add(key)
            kept.add(enrollment_id)
    return [i for i in enrollment_ids if i in kept]
