"""The role matrix: every page and endpoint, as each role and as an anonymous visitor.

Letters: A admin, T trainer of the world's cohort, S another trainer, N analyst, P anonymous.
Every rule in the URL map must appear in ACCESS, so a new endpoint cannot skip the check.
"""

import re
from datetime import date

import pytest

from lms.attendance.checkin import current_code
from lms.attendance.models import CheckinRequest
from lms.auth.services import create_token
from lms.auth.sessions import sign_in
from lms.certificates.issue import issue_for
from lms.tabular.jobs import ImportJob
from lms.tasks import TaskRecord
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories

ALL = "ATSN"
# endpoint: (roles allowed, public?) — GET unless the rule only takes other methods.
ACCESS = {
    "auth.home": (ALL, False),
    "auth.login": (ALL, True),
    "auth.logout": (ALL, False),
    "auth.users": ("A", False),
    "auth.user_form": ("A", False),
    "auth.tokens": ("A", False),
    "auth.revoke_token": ("A", False),
    "audit.index": ("A", False),
    "audit.export": ("A", False),
    "ops.index": ("A", False),
    "webhooks.index": ("A", False),
    "webhooks.endpoint": ("A", False),
    "webhooks.toggle": ("A", False),
    "webhooks.rotate": ("A", False),
    "webhooks.delete": ("A", False),
    "webhooks.resend": ("A", False),
    "ops.retry": ("A", False),
    "ops.healthz": ("", True),
    "people.index": ("A", False),
    "people.register": ("A", False),
    "courses.person": ("AT", False),
    "people.edit": ("A", False),
    "people.export": ("A", False),
    "people.anonymize": ("A", False),
    "people.merge": ("A", False),
    "people.unmerge": ("A", False),
    "courses.enroll": ("A", False),
    "courses.enrollment_status": ("A", False),
    "people.revoke": ("A", False),
    "people.consent": ("A", False),
    "courses.cohorts": (ALL, False),
    "courses.cohort": ("ATN", False),
    "courses.cohort_form": ("A", False),
    "courses.delete_cohort": ("A", False),
    "courses.sites": ("A", False),
    "courses.site_form": ("A", False),
    "courses.site_delete": ("A", False),
    "courses.import_sites": ("A", False),
    "courses.catalog": ("A", False),
    "courses.course_form": ("A", False),
    "courses.course_delete": ("A", False),
    "courses.indicator_form": ("A", False),
    "courses.indicator_delete": ("A", False),
    "courses.session_new": ("AT", False),
    "courses.session_series": ("AT", False),
    "courses.session_edit": ("A", False),
    "courses.session_delete": ("A", False),
    "attendance.roster": ("AT", False),
    "attendance.lookup": ("AT", False),
    "attendance.mark": ("AT", False),
    "attendance.note": ("AT", False),
    "attendance.walk_in": ("AT", False),
    "attendance.planilla": ("AT", False),
    "attendance.planilla_xlsx": ("AT", False),
    "attendance.qr": ("AT", False),
    "attendance.qr_json": ("AT", False),
    "attendance.reject_request": ("AT", False),
    "attendance.today": ("ATS", False),
    "attendance.conflicts": ("A", False),
    "attendance.resolve": ("A", False),
    "attendance.import_planilla": ("A", False),
    "attendance.import_job": ("A", False),
    "courses.site_import_job": ("A", False),
    "attendance.checkin_form": ("", True),
    "offline.today": ("ATS", False),
    "offline.session": ("AT", False),
    "offline.service_worker": ("", True),
    "offline.manifest": ("", True),
    "offline.data": ("ATS", False),
    "offline.sync": ("ATS", False),
    "offline.import_queue": ("A", False),
    "certificates.index": ("A", False),
    "certificates.detail": ("A", False),
    "certificates.pdf": ("A", False),
    "certificates.correct": ("A", False),
    "certificates.revoke": ("A", False),
    "certificates.issue_one": ("A", False),
    "certificates.start_batch": ("A", False),
    "certificates.job": ("A", False),
    "certificates.signer": ("A", False),
    "certificates.request_job_file": ("A", False),
    "certificates.job_file": ("A", False),
    "certificates.job_status": ("A", False),
    "certificates.portal": ("", True),
    "certificates.download": ("", True),
    "certificates.resend": ("", True),
    "certificates.verify": ("", True),
    "certificates.verify_json": ("", True),
    "certificates.verify_qr": ("", True),
    "certificates.credential_json": ("", True),
    "certificates.credential_jwt": ("", True),
    "certificates.status_list_credential": ("", True),
    "certificates.jwks": ("", True),
    "certificates.status_list": ("", True),
    "indicators.dashboard": ("AN", False),
    "indicators.export_csv": ("AN", False),
    "indicators.export_dictionary": ("AN", False),
    "indicators.export_xlsx": ("AN", False),
    "indicators.people": ("AN", False),
    "indicators.open_data": ("", True),
    "indicators.open_data_csv": ("", True),
    "indicators.open_data_dictionary": ("", True),
    "api.openapi": ("", True),
    "api_docs.page": ("", True),
    "api.me": (ALL, False),
    "api.sites_list": (ALL, False),
    "api.sites_get": (ALL, False),
    "api.sites_create": ("A", False),
    "api.sites_update": ("A", False),
    "api.sites_delete": ("A", False),
    "api.courses_list": (ALL, False),
    "api.courses_get": (ALL, False),
    "api.courses_create": ("A", False),
    "api.courses_update": ("A", False),
    "api.courses_delete": ("A", False),
    "api.indicators_list": ("AN", False),
    "api.indicators_get": ("AN", False),
    "api.indicators_create": ("A", False),
    "api.indicators_update": ("A", False),
    "api.indicators_delete": ("A", False),
    "api.cohorts_list": (ALL, False),
    "api.cohorts_get": ("ATN", False),
    "api.cohorts_create": ("A", False),
    "api.cohorts_update": ("A", False),
    "api.cohorts_delete": ("A", False),
    "api.sessions_list": ("ATN", False),
    "api.sessions_get": ("ATN", False),
    "api.sessions_create": ("AT", False),
    "api.sessions_series": ("AT", False),
    "api.sessions_update": ("A", False),
    "api.sessions_delete": ("A", False),
    "api.session_roster": ("AT", False),
    "api.put_attendance": ("AT", False),
    "api.people_search": ("ATS", False),
    "api.people_get": ("AT", False),
    "api.people_create": ("ATS", False),
    "api.people_update": ("A", False),
    "api.people_delete": ("A", False),
    "api.people_certificates": ("ATS", False),
    "api.enrollments_list": ("ATS", False),
    "api.enrollments_get": ("AT", False),
    "api.enrollments_create": ("A", False),
    "api.enrollments_update": ("AT", False),
    "api.enrollments_delete": ("A", False),
    "api.certificates_get": ("ATN", False),
    "api.certificates_pdf": ("AT", False),
    "api.certificates_issue": ("A", False),
    "api.certificates_revoke": ("A", False),
    "api.certificates_correct": ("A", False),
    "api.cohort_certificates_issue": ("A", False),
    "api.sites_import": ("A", False),
    "api.planillas_import": ("A", False),
    "api.import_jobs_get": ("A", False),
    "api.certificate_jobs_create": ("A", False),
    "api.certificate_jobs_get": ("A", False),
    "api.certificate_job_files": ("A", False),
    "api.certificate_job_file": ("A", False),
    "api.certificates_search": ("A", False),
    "api.certificates_corrections": ("A", False),
    "api.indicator_monthly": ("AN", False),
    "api.indicator_people": ("AN", False),
    "api.indicators_export_csv": ("AN", False),
    "api.indicators_dictionary_csv": ("AN", False),
    "api.indicators_export_xlsx": ("AN", False),
    "api.open_data_csv": (ALL, False),
    "api.open_data_dictionary_csv": (ALL, False),
    "api.checkin_code": ("AT", False),
    "api.checkin_requests_list": ("ATS", False),
    "api.checkin_requests_resolve": ("AT", False),
    "api.completion_conflicts": ("A", False),
    "api.completion_conflicts_resolve": ("A", False),
    "api.indicators_report": ("AN", False),
    "api.indicator_breakdown": ("AN", False),
    "lti.login": ("", True),
    "lti.launch": ("", True),
    "lti.jwks": ("", True),
    "lti.config_json": ("", True),
    "lti.home": ("", True),
    "lti.link": ("", False),
    "lti.deep_link": ("", False),
    "lti.roster": ("", False),
    "lti.register_start": ("", True),
    "lti.approve": ("A", False),
    "lti.registration_link": ("A", False),
    "lti.learner": ("", True),
    "lti.learner_register": ("", True),
    "lti.platforms": ("A", False),
    "lti.platform_new": ("A", False),
    "lti.failed_grades": ("A", False),
    "api.audit_list": ("A", False),
    "api.webhooks_list": ("A", False),
    "api.webhooks_create": ("A", False),
    "api.webhooks_get": ("A", False),
    "api.webhooks_update": ("A", False),
    "api.webhooks_delete": ("A", False),
    "api.webhooks_rotate": ("A", False),
    "api.webhooks_deliveries": ("A", False),
    "api.webhooks_resend": ("A", False),
    # Issue 12 part 1, people side: consent, merges, export, search, users and tokens.
    "api.people_lookup": ("ATS", False),
    "api.people_export": ("A", False),
    "api.consents_list": ("AT", False),
    "api.consents_create": ("A", False),
    "api.consents_revoke": ("A", False),
    "api.merges_list": ("A", False),
    "api.merges_compare": ("A", False),
    "api.merges_create": ("A", False),
    "api.merges_undo": ("A", False),
    "api.users_list": ("A", False),
    "api.users_create": ("A", False),
    "api.users_get": ("A", False),
    "api.users_update": ("A", False),
    "api.users_delete": ("A", False),
    "api.tokens_list": ("A", False),
    "api.tokens_create": ("A", False),
    "api.tokens_get": ("A", False),
    "api.tokens_delete": ("A", False),
}
SKIP = {"static", "bootstrap.static"}
#: Query strings the endpoint needs to get past input validation.
QUERY = {
    "api.indicator_breakdown": "?by=sex",
}
#: Public endpoints whose answer for the world's data is not 200.
PUBLIC_STATUS = {"certificates.download": 404, "certificates.resend": 404,
                 # The platform's login and launch without their parameters are refused (400);
                 # the LTI landing page answers only a session opened by a launch (403).
                 "lti.login": 400, "lti.launch": 400, "lti.home": 403,
                 "lti.learner": 403, "lti.learner_register": 403, "lti.register_start": 400}
#: Allowed answers that are not 200: the home sends trainers to today's sessions and
#: analysts to the indicators.
ALLOWED_STATUS = {"auth.home": {"T": 302, "S": 302, "N": 302}}
# Notes on decisions the matrix pins down:
# - trainers add sessions to their own cohorts (web and API) and change the status of
#   their enrollments; they enroll only by exact document at a walk-in, and never delete (issue 9);
# - api.people_certificates and api.certificates_get filter rather than refuse: a trainer
#   sees only documents of their cohorts, an analyst sees no personal fields.


@pytest.fixture
def world(db):
    """One of everything, with the trainer T assigned to the cohort and S to nothing."""
    users = {
        "A": factories.user("admin"),
        "T": factories.user("trainer"),
        "S": factories.user("trainer"),
        "N": factories.user("analyst"),
    }
    indicator = factories.indicator(code="IND-ACCESS")
    cohort = factories.cohort(trainers=[users["T"]], start_date=date(2021, 2, 1))
    session = factories.session(cohort, hours="20")
    enrollment = factories.enrollment(cohort, completed_on=date(2021, 2, 1), status="completo")
    certificate = issue_for(enrollment)
    tokens = {role: create_token(user, "matriz") for role, user in users.items()}
    token_row = users["A"].tokens[0]
    job = _job(db, users["A"])
    upload = ImportJob(kind="planilla", filename="p.csv", data=b"", options={},
                       created_by_id=users["A"].id)
    db.session.add(upload)
    checkin = CheckinRequest(session_id=session.id, document_type="CC", document_number="1")
    db.session.add(checkin)
    record = TaskRecord(name="lms.mail.deliver", args=[0], state="failed")
    db.session.add(record)
    hook = WebhookEndpoint(url="https://hooks.example.org/lms", secret="whsec_AAAA",
                           events=["certificate.issued"])
    db.session.add(hook)
    db.session.flush()
    delivery = WebhookDelivery(endpoint_id=hook.id, event_id="msg_1", event_type="x",
                               payload="{}")
    db.session.add(delivery)
    db.session.flush()
    args = {
        "endpoint_id": hook.id,
        "delivery_id": delivery.id,
        "user_id": users["N"].id,
        "token_id": token_row.id,
        "person_id": enrollment.person_id,
        "other_id": enrollment.person_id,
        "enrollment_id": enrollment.id,
        "cohort_id": cohort.id,
        "session_id": session.id,
        "site_id": cohort.site_id,
        "course_id": cohort.course_id,
        "indicator_id": indicator.id,
        "code": certificate.code,
        "job_id": job.id,
        "upload_id": upload.id,
        "record_id": record.id,
        "request_id": checkin.id,
        "entry_id": 999999,
        "platform_id": 999999,
        "token": "token-inexistente",
        "kind": "zip",
    }
    return users, tokens, args, indicator


def _job(db, user):
    from lms.certificates.models import IssueJob, IssueJobFile
    from lms.timeutil import utcnow

    job = IssueJob(created_by_id=user.id, state="done")
    db.session.add(job)
    db.session.flush()
    db.session.add(IssueJobFile(job_id=job.id, kind="zip", content=b"PK", ready_at=utcnow()))
    return job


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]


def test_every_endpoint_is_in_the_matrix(app):
    missing = sorted({r.endpoint for r in _rules(app)} - set(ACCESS))
    assert not missing, f"add these endpoints to ACCESS: {missing}"


def _url(rule, args, indicator):
    values = {name: args[name] for name in rule.arguments}
    if rule.endpoint.startswith(("indicators.people", "api.indicator_breakdown",
                                 "api.indicator_people", "api.indicator_monthly")):
        values["code"] = indicator.code
    if rule.endpoint == "attendance.checkin_form":
        values["code"] = current_code(args["session_id"])[0]
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return path + QUERY.get(rule.endpoint, "")


def _method(rule):
    methods = rule.methods - {"HEAD", "OPTIONS"}
    return "GET" if "GET" in methods else sorted(methods)[0]


def _client_as(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        sign_in(session, user.get_id())
    return client


def test_role_matrix(app, client, world):
    users, tokens, args, indicator = world
    clients = {role: _client_as(app, user) for role, user in users.items()}
    failures = []
    for rule in _rules(app):
        allowed, public = ACCESS[rule.endpoint]
        url, method = _url(rule, args, indicator), _method(rule)
        is_api = rule.endpoint.startswith("api.")
        anon = client.open(url, method=method)
        expected_anon = (
            (PUBLIC_STATUS.get(rule.endpoint, 200),) if public else (401,) if is_api else (302,)
        )
        if anon.status_code not in expected_anon:
            failures.append(f"{method} {url} anonymous: {anon.status_code}")
        if public:
            continue
        for role in ALL:
            if role in allowed and method != "GET":
                continue  # the action itself is exercised by the domain's own tests
            if is_api:
                headers = {"Authorization": f"Bearer {tokens[role]}"}
                body = {"person_id": args["person_id"], "cohort_id": args["cohort_id"]}
                response = client.open(url, method=method, headers=headers, json=body)
            else:
                response = clients[role].open(url, method=method)
            ok = ALLOWED_STATUS.get(rule.endpoint, {}).get(role, 200)
            expected = (ok,) if role in allowed else (403,)
            if response.status_code not in expected:
                failures.append(f"{method} {url} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_menu_offers_each_role_exactly_the_pages_it_may_open(app, world):
    from lms.navigation import NAV_ITEMS

    users, _tokens, _args, _indicator = world
    for role, user in users.items():
        if role == "S":
            continue
        # Every role may open the cohort list (the home sends trainers and analysts on).
        home = _client_as(app, user).get("/grupos").get_data(as_text=True)
        for endpoint, _label in NAV_ITEMS:
            rule = next(r for r in _rules(app) if r.endpoint == endpoint)
            offered = f'href="{rule.rule}"' in home
            assert offered == (role in ACCESS[endpoint][0]), (role, endpoint)
