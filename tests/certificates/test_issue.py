"""Eligibility and issue: one, cohort batch (UI), CLI, automatic, frozen data, query counts."""

from datetime import date

from sqlalchemy import event, func, select

from lms.attendance.signals import enrollment_completed
from lms.audit.models import AuditEntry
from lms.certificates.codes import normalize
from lms.certificates.models import Certificate, IssueJob
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment


def _count(**filters):
    return _db.session.scalar(select(func.count(Certificate.id)).filter_by(**filters))


def test_admin_issues_one_from_the_pending_list(client, login, admin, completed):
    login(admin)
    page = client.get("/admin/certificados")
    assert page.status_code == 200
    assert "María José Núñez Ibáñez" in page.get_data(as_text=True)
    response = client.post("/admin/certificados/emitir", data={"enrollment_id": completed.id})
    assert response.status_code == 302
    cert = _db.session.scalar(select(Certificate).filter_by(enrollment_id=completed.id))
    assert cert.issued_by_id == admin.id
    assert normalize(cert.code) == cert.code
    detail = client.get(response.headers["Location"])
    assert cert.code in detail.get_data(as_text=True)
    audit = _db.session.scalar(select(AuditEntry).filter_by(entity="certificates",
                                                            entity_id=cert.id))
    assert audit.action == "create" and audit.actor_id == admin.id
    assert "pdf" not in audit.changes and "jws" not in audit.changes
    # A second issue for the same enrollment answers with the document it already holds.
    again = client.post("/admin/certificados/emitir", data={"enrollment_id": completed.id},
                        follow_redirects=True)
    assert f"ya tenía el documento {cert.code}" in again.get_data(as_text=True)
    assert _count(enrollment_id=completed.id) == 1


def test_not_eligible_is_refused(client, login, admin, db):
    login(admin)
    unfinished = factories.enrollment()
    no_document = completed_enrollment(factories.cohort(course=factories.course(
        grants_document=False)))
    for enrollment, message in ((unfinished, "no ha completado"),
                                (no_document, "no otorga")):
        page = client.post("/admin/certificados/emitir", data={"enrollment_id": enrollment.id},
                           follow_redirects=True)
        assert message in page.get_data(as_text=True)
    assert _count() == 0


def test_cohort_batch_shows_progress_and_issues_all(client, login, admin, db):
    login(admin)
    course = factories.course(code="ALF-01", name="Alfabetización digital",
                              document_kind="certificado")
    cohort = factories.cohort(course=course)
    for _ in range(5):
        completed_enrollment(cohort)
    factories.enrollment(cohort=cohort)  # not complete: left alone
    # The admin picks from lists that say what is pending, instead of typing codes.
    lists = client.get("/admin/certificados").get_data(as_text=True)
    assert f'<option value="{cohort.code}">{cohort.code} · Alfabetización digital (5 pendientes)' \
        in lists
    assert '<option value="ALF-01">ALF-01 · Alfabetización digital (5 pendientes)' in lists
    response = client.post("/admin/certificados/lotes", data={"cohort": cohort.code})
    assert response.status_code == 302
    job = _db.session.scalar(select(IssueJob).order_by(IssueJob.id.desc()))
    assert response.headers["Location"].endswith(f"/admin/certificados/lotes/{job.id}")
    progress = client.get(f"/admin/certificados/lotes/{job.id}.json").get_json()
    assert progress == {"id": job.id, "state": "done", "total": 5, "done": 5, "error": None,
                        "finished": progress["finished"]}
    page = client.get(f"/admin/certificados/lotes/{job.id}").get_data(as_text=True)
    assert "5 / 5" in page and "terminado" in page
    kinds = set(_db.session.scalars(select(Certificate.kind)))
    assert kinds == {"certificado"}
    bad = client.post("/admin/certificados/lotes", data={"cohort": "NO-EXISTE"},
                      follow_redirects=True)
    assert "No existe el grupo NO-EXISTE" in bad.get_data(as_text=True)
    assert f'<option value="{cohort.code}">' not in bad.get_data(as_text=True)  # none left


def test_cli_issues_pending_and_prints_count(runner, db):
    course = factories.course()
    cohort_a = factories.cohort(course=course)
    cohort_b = factories.cohort(course=course)
    other = factories.cohort()
    for cohort in (cohort_a, cohort_a, cohort_b, other):
        completed_enrollment(cohort)
    result = runner.invoke(args=["lms", "issue-certificates", "--cohort", cohort_a.code])
    assert result.exit_code == 0, result.output
    assert "Se emitieron 2 documentos." in result.output
    result = runner.invoke(args=["lms", "issue-certificates", "--course", course.code])
    assert "Se emitió 1 documento." in result.output
    result = runner.invoke(args=["lms", "issue-certificates"])
    assert "Se emitió 1 documento." in result.output
    result = runner.invoke(args=["lms", "issue-certificates"])
    assert "Se emitieron 0 documentos." in result.output
    result = runner.invoke(args=["lms", "issue-certificates", "--course", "NADA"])
    assert result.exit_code != 0 and "No existe el curso NADA" in result.output


def test_automatic_issue_on_completion_only_when_the_course_says_so(db):
    auto = completed_enrollment(factories.cohort(course=factories.course(auto_issue=True)))
    manual = completed_enrollment(factories.cohort())
    for enrollment in (auto, manual):
        enrollment_completed.send(Enrollment, enrollment_id=enrollment.id,
                                  completed_on=enrollment.completed_on)
    assert _count(enrollment_id=auto.id) == 1
    assert _count(enrollment_id=manual.id) == 0
    # A repeated signal never issues twice.
    enrollment_completed.send(Enrollment, enrollment_id=auto.id, completed_on=auto.completed_on)
    assert _count(enrollment_id=auto.id) == 1


def test_issued_document_is_frozen(client, issued, completed):
    before = (issued.holder_name, issued.course_name, issued.sha256, issued.pdf)
    completed.person.first_names = "Otra"
    completed.cohort.course.name = "Otro nombre"
    completed.cohort.course.hours = 99
    _db.session.flush()
    _db.session.expire_all()
    cert = _db.session.get(Certificate, issued.id)
    assert (cert.holder_name, cert.course_name, cert.sha256, cert.pdf) == before
    data = client.get(f"/v/{cert.code}.json").get_json()
    assert data["name"] == "María José Núñez Ibáñez" and data["hours"] == 20


def test_batch_queries_do_not_grow_with_documents(app, db):
    from lms.certificates import issue

    def queries_for(n):
        cohort = factories.cohort(trainers=[factories.user(role="trainer")])
        ids = [completed_enrollment(cohort).id for _ in range(n)]
        statements = []

        def count(*args):
            statements.append(args[2][:90])

        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            done = sum(issue.issue_pending(ids, chunk=500))
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        assert done == n
        return len(statements)

    small, large = queries_for(3), queries_for(40)
    assert small == large


def test_codes_are_unique_grouped_and_tolerant(db):
    from lms.certificates.codes import ALPHABET, from_symbols, new_code

    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = next(iter(codes))
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 1]
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize(sloppy) == code
    # Any one wrong character changes the current (GF(32)) check symbol: all 16 x 31 of them.
    # (normalize also accepts the old mod-37 check, which a typo matches 1 time in 37.)
    body = code.replace("-", "")[:16]
    for position in range(16):
        for ch in ALPHABET.replace(body[position], ""):
            wrong = body[:position] + ch + body[position + 1:]
            assert from_symbols(wrong)[-1] != code[-1], wrong
    assert normalize("") is None and normalize("hola") is None


def test_pdf_falls_back_to_a_wider_subset_for_rare_letters(db):
    from lms.certificates.issue import issue_for

    person = factories.person(first_names="Łukasz Đặng", last_names="Çelik")
    cert = issue_for(completed_enrollment(person_=person, day=date(2022, 1, 2)))
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(cert.pdf)
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "Łukasz Đặng Çelik" in text


def test_admin_page_takes_the_code_as_typed(client, login, admin, issued):
    login(admin)
    sloppy = issued.code.lower().replace("-", "")
    page = client.get(f"/admin/certificados/{sloppy}")
    assert page.status_code == 200 and issued.code in page.get_data(as_text=True)
    assert client.get("/admin/certificados/ABCD-EFGH-JKMN-PQRS-T").status_code == 404
