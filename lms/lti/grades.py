"""Assignment and Grade Services: the "Asistencia (%)" line item and each learner's score.

Whenever the completion rule recomputes enrollments (any source: roster, QR, planilla,
API), each one linked to an LMS learner in a course whose cohort it is, and whose platform
granted the score scope, gets a score post queued; the queue sends it after the commit and
retries with backoff. Posting the same score twice changes nothing on the platform.
"""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from lms import tasks
from lms.attendance.signals import enrollments_recomputed
from lms.audit.services import record
from lms.courses.models import Cohort, Enrollment
from lms.extensions import db
from lms.lti import services_client
from lms.lti.models import Account, Context, Platform
from lms.timeutil import local_today

LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LABEL = "Asistencia (%)"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
#: Enrollment ids per query.
BATCH = 500


def attendance_pct(enrollment: Enrollment) -> Decimal:
    """Hours credited as a share of the course's hours (0–100), the LMS grade."""
    hours = Decimal(enrollment.cohort.course.hours or 0)
    if hours <= 0:
        return Decimal(0)
    return min(Decimal(100), (Decimal(enrollment.hours_credited) * 100 / hours)).quantize(
        Decimal("0.01"))


def ensure_lineitem(context: Context, cohort: Cohort, platform: Platform) -> str:
    """The context's line item: stored, found by resourceId = cohort code, or created."""
    if context.lineitem_url:
        return context.lineitem_url
    scopes = [LINEITEM]
    sep = "&" if "?" in context.lineitems_url else "?"
    found, _ = services_client.call(platform, scopes,
                                    f"{context.lineitems_url}{sep}resource_id={cohort.code}",
                                    accept=CONTAINER_TYPE)
    item = next((i for i in found or [] if i.get("resourceId") == cohort.code), None)
    if item is None:
        item, _ = services_client.call(platform, scopes, context.lineitems_url, payload={
            "label": LABEL, "scoreMaximum": 100, "resourceId": cohort.code,
            "tag": "asistencia"}, content_type=LINEITEM_TYPE, accept=LINEITEM_TYPE)
    context.lineitem_url = item["id"]
    db.session.flush()
    return context.lineitem_url


def score_for(enrollment: Enrollment, sub: str) -> dict:
    """The AGS score of an enrollment: attendance %, FullyGraded once completion is decided."""
    decided = enrollment.completed_on is not None or enrollment.cohort.end_date < local_today()
    return {
        "userId": sub, "scoreGiven": float(attendance_pct(enrollment)), "scoreMaximum": 100,
        "activityProgress": "Completed" if decided else "InProgress",
        "gradingProgress": "FullyGraded" if decided else "Pending",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def _failed(error: str, context_id: int, account_id: int) -> None:
    context = db.session.get(Context, context_id)
    if context is not None:
        record("lti_grade_failed", context, {"account_id": account_id, "error": error[:200]})


@tasks.task("Enviar nota de asistencia al LMS", retries=6, retry_delay=30, retry_backoff=2,
            on_failure=_failed)
def post_score(context_id: int, account_id: int) -> None:
    """Post one learner's attendance score to the context's line item (idempotent)."""
    context, account = db.session.get(Context, context_id), db.session.get(Account, account_id)
    if context is None or account is None or not context.cohort_id or not account.person_id:
        return
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.cohort_id == context.cohort_id, Enrollment.person_id == account.person_id))
    if enrollment is None:
        return
    platform = db.session.get(Platform, context.platform_id)
    url = ensure_lineitem(context, enrollment.cohort, platform)
    score = score_for(enrollment, account.sub)
    path, _, query = url.partition("?")
    services_client.call(platform, [SCORE], f"{path}/scores" + (f"?{query}" if query else ""),
                         payload=score, content_type=SCORE_TYPE)
    record("lti_grade", context, {"account_id": account.id, "score": score["scoreGiven"],
                                  "grading": score["gradingProgress"]})


def queue_for(enrollment_ids: list[int]) -> int:
    """Queue score posts for the LMS learners of these enrollments; how many were queued."""
    pairs = []
    for start in range(0, len(enrollment_ids), BATCH):
        pairs += db.session.execute(
            select(Context.id, Account.id, Context.ags_scopes)
            .join(Enrollment, Enrollment.cohort_id == Context.cohort_id)
            .join(Account, (Account.person_id == Enrollment.person_id)
                  & (Account.platform_id == Context.platform_id))
            .where(Enrollment.id.in_(enrollment_ids[start:start + BATCH]),
                   Context.lineitems_url.is_not(None))
        ).all()
    queued = 0
    for context_id, account_id, scopes in pairs:
        if SCORE in (scopes or "").split():
            tasks.enqueue(post_score, context_id, account_id)
            queued += 1
    return queued


@enrollments_recomputed.connect
def _on_recomputed(_sender, *, enrollment_ids, **_extra) -> None:
    queue_for(list(enrollment_ids))


def failed_posts() -> list[tasks.TaskRecord]:
    """Score posts that failed for good or wait for a retry, newest first."""
    return list(db.session.scalars(
        select(tasks.TaskRecord).where(tasks.TaskRecord.name == post_score.task_name,
                                       tasks.TaskRecord.state.in_(("failed", "retrying")))
        .order_by(tasks.TaskRecord.id.desc()).limit(500)))
