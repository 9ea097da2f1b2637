"""NRPS: importing the LMS course's roster into its cohort."""

from datetime import date

from sqlalchemy import func, select

from lms.courses.models import Enrollment
from lms.lti import services_client
from lms.lti.models import Account
from tests import factories
from tests.lti.conftest import launch
from tests.lti.platform import LEARNER
from tests.lti.test_framed import _lti_trainer


def test_roster_import_enrolls_linked_learners_and_lists_the_others(app, client, db,
                                                                    registered):
    services_client.forget_tokens()
    registered.tool_jwks = client.get("/lti/jwks").get_json()
    launch(client, registered, "profe")
    cohort = factories.cohort(trainers=[_lti_trainer(db)])
    assert client.post("/lti/enlazar", data={"pick-cohort_id": cohort.id}).status_code == 302
    known = factories.person(document_number="1090555111", birth_date=date(1999, 9, 9))
    registered.users["estudiante"]["custom"] = {"document_type": "CC",
                                                "document_number": "1090555111"}
    launch(app.test_client(), registered, "estudiante")  # links u-est to the person
    registered.members = [
        {"user_id": "u-est", "name": "Luis Estudiante", "roles": [LEARNER], "status": "Active"},
        {"user_id": "u-nuevo", "name": "Nora Nueva", "roles": [LEARNER], "status": "Active"},
        {"user_id": "u-profe", "name": "Ana Docente", "roles": ["http://purl.imsglobal.org/"
                                                                "vocab/lis/v2/membership#Instructor"]},
    ]
    launch(client, registered, "profe")
    page = client.post("/lti/participantes")
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body
    pending = body.split('id="h-pending"')[1].split("</section>")[0]
    assert "pendientes de documento y autorización" in pending and "Nora Nueva" in pending
    assert "Ana Docente" not in pending and "Luis Estudiante" not in pending
    assert "Luis Estudiante" in body.split('id="h-ok"')[1].split("</section>")[0]
    enrolled = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    assert enrolled.person_id == known.id
    assert db.session.scalar(select(func.count()).select_from(Account).where(
        Account.sub == "u-nuevo", Account.person_id.is_(None))) == 1
    # Twice changes nothing.
    again = client.post("/lti/participantes")
    assert again.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.cohort_id == cohort.id)) == 1


def _claim(number: str) -> list[dict]:
    """An NRPS member's ``message`` carrying the document custom claim."""
    return [{"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
             "https://purl.imsglobal.org/spec/lti/claim/custom": {
                 "tipo_documento": "CC", "numero_documento": number}}]


def test_roster_import_matches_members_by_their_document_claim(app, client, db, registered):
    services_client.forget_tokens()
    registered.tool_jwks = client.get("/lti/jwks").get_json()
    launch(client, registered, "profe")
    cohort = factories.cohort(trainers=[_lti_trainer(db)])
    assert client.post("/lti/enlazar", data={"pick-cohort_id": cohort.id}).status_code == 302
    known = factories.person(document_number="1090777222")
    registered.members = [
        {"user_id": "u-claim", "name": "Carla Reclamo", "roles": [LEARNER],
         "message": _claim("1090777222")},
        {"user_id": "u-otro", "name": "Omar Desconocido", "roles": [LEARNER],
         "message": _claim("1090000999")},
    ]
    launch(client, registered, "profe")
    page = client.post("/lti/participantes")
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body
    assert "Carla Reclamo" in body.split('id="h-ok"')[1].split("</section>")[0]
    pending = body.split('id="h-pending"')[1].split("</section>")[0]
    assert "Omar Desconocido" in pending and "Carla Reclamo" not in pending
    assert db.session.scalars(select(Enrollment.person_id).where(
        Enrollment.cohort_id == cohort.id)).all() == [known.id]
    linked = db.session.scalar(select(Account).where(Account.sub == "u-claim"))
    assert linked.person_id == known.id
