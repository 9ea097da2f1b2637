"""Batch issue on the queue: planned once, chunked, each chunk run once whatever is delivered."""

import contextlib

from sqlalchemy import func, select

from lms import tasks
from lms.certificates import jobs, status
from lms.certificates.models import Certificate, PublishedStatusList
from lms.extensions import db as _db
from lms.tasks import TaskRecord
from tests import factories
from tests.certificates.conftest import completed_enrollment


def _count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_batch_is_planned_in_chunks_and_each_enrollment_gets_one_document(db, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)
    cohort = factories.cohort()
    for _ in range(5):
        completed_enrollment(cohort)
    job = jobs.create_job(None, cohort.code, None)
    assert _count(Certificate) == 0  # nothing runs before the commit
    tasks.commit()
    _db.session.refresh(job)
    assert (job.state, job.total, job.done) == ("done", 5, 5)
    chunks = _db.session.scalars(select(TaskRecord).where(
        TaskRecord.name == jobs.issue_chunk.task_name)).all()
    assert sorted(len(c.args[1]) for c in chunks) == [1, 2, 2]
    assert {c.state for c in chunks} == {"done"}
    assert _count(Certificate) == 5

    # Every record delivered again (a sweep after a lost acknowledgement): nothing changes.
    plan = _db.session.scalar(select(TaskRecord).where(TaskRecord.name == jobs.plan.task_name))
    tasks.send([plan.id] + [c.id for c in chunks])
    _db.session.refresh(job)
    assert (job.state, job.total, job.done) == ("done", 5, 5)
    assert _count(Certificate) == 5 and _count(TaskRecord) == 4

    # Run directly, twice: a planned job is not planned again; a chunk issues nothing new.
    jobs.plan(job.id)
    jobs.issue_chunk(job.id, chunks[0].args[1])
    assert _count(Certificate) == 5 and _count(TaskRecord) == 4


def test_a_chunk_interrupted_before_its_commit_is_run_again_by_the_sweep(app, db, monkeypatch):
    from datetime import timedelta

    from lms.timeutil import utcnow

    cohort = factories.cohort()
    for _ in range(3):
        completed_enrollment(cohort)
    job = jobs.create_job(None, cohort.code, None)
    calls = []
    real = jobs.issue.issue_pending

    def dies_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt  # the consumer is killed mid-chunk: no retry, no record
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.issue, "issue_pending", dies_once)
    with contextlib.suppress(KeyboardInterrupt):
        tasks.commit()
    tasks.rollback()
    chunk = _db.session.scalar(select(TaskRecord).where(
        TaskRecord.name == jobs.issue_chunk.task_name))
    assert chunk.state == "running" and _count(Certificate) == 0
    assert tasks.sweep() == 0  # it may just be slow
    chunk.started_at = utcnow() - timedelta(hours=1)
    tasks.commit()
    assert tasks.sweep() == 1
    _db.session.refresh(job)
    _db.session.refresh(chunk)
    assert (chunk.state, chunk.attempts) == ("done", 2)
    assert (job.state, job.done, job.total) == ("done", 3, 3) and _count(Certificate) == 3


def test_revocation_publishes_the_status_list_after_commit(client, login, admin, db):
    from lms.certificates.issue import issue_for
    from lms.certificates.verify import verify_jws

    issued = issue_for(completed_enrollment())
    login(admin)
    assert _db.session.get(PublishedStatusList, 1) is None
    response = client.post(f"/admin/certificados/{issued.code}/revocar",
                           data={"reason": "Emitido por error"})
    assert response.status_code == 302
    published = _db.session.get(PublishedStatusList, 1)
    jwks = client.get("/.well-known/jwks.json").get_json()
    listing, _ = verify_jws(published.jws, jwks)
    assert listing["revoked"] == [issued.code]
    assert client.get("/.well-known/status-list").get_data(as_text=True) == published.jws
    # Publishing again with the same codes changes nothing.
    signed = (published.jws, published.signed_at)
    status.publish()
    assert (published.jws, published.signed_at) == signed
