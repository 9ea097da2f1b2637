"""API resource: a person's Ley 1581 authorizations (list, record, revoke).

The same services as the person's consent pages (``people.consent``): recording checks the
notice version shown, the guardian of a minor and that the person was not anonymised;
revoking ends every active authorization. Recording and revoking are admin-only, as on
the pages; reading follows the person (a trainer reads the people of their cohorts).
"""

from flask import jsonify
from sqlalchemy import select

from lms import policy
from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import validated
from lms.api.openapi import doc
from lms.api.serialize import INT, STR, Shape, array, page_schema
from lms.auth.models import Role
from lms.extensions import db
from lms.people import services
from lms.people.consent import ANONYMIZED
from lms.people.forms import ConsentFields
from lms.people.models import Consent, Person
from lms.web import loads, requires

TAGS = ("consents",)
CONSENT = Shape(
    Consent,
    "id person_id granted_at channel recorded_by_id guardian_name guardian_document revoked_at",
    notice_version=(STR, lambda c: c.notice.version),
)
REVOKED = {"type": "object", "required": ["revoked", "consents"],
           "properties": {"revoked": INT, "consents": array(CONSENT.schema)}}
EXAMPLE = {"id": 7, "person_id": 12, "granted_at": "2026-03-02T14:05:00Z", "channel": "api",
           "recorded_by_id": 1, "guardian_name": None, "guardian_document": None,
           "revoked_at": None, "notice_version": "2024-01"}
MINOR = "Es menor de edad: escriba el nombre del acudiente que autoriza."
NOTICE = ("El aviso de privacidad cambió mientras se llenaba el formulario; lea la versión "
          "vigente y autorice de nuevo.")


def _consents(person: Person):
    return (select(Consent).where(Consent.person_id == person.id)
            .order_by(Consent.granted_at.desc(), Consent.id.desc()))


@bp.get("/people/<int:person_id>/consents")
@doc("Autorizaciones de una persona (más reciente primero)",
     response=page_schema(CONSENT.schema), tags=TAGS,
     example={"items": [EXAMPLE], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN, Role.TRAINER)
@loads("person_id", Person, can=policy.can_view_person)
def consents_list(person: Person):
    """The person's authorizations, with the notice version each one accepted."""
    return jsonify(paginated(_consents(person), CONSENT.dump))


@bp.post("/people/<int:person_id>/consents")
@doc("Registrar una nueva autorización (admin; canal «api»)", body=ConsentFields,
     response=CONSENT.schema, status=201, tags=TAGS, example=EXAMPLE,
     body_example={"consent": True, "notice_version": "2024-01"},
     errors={409: ANONYMIZED,
             422: [(MINOR, "guardian_name"), (NOTICE, "consent")]})
@requires(Role.ADMIN)
@loads("person_id", Person)
def consents_create(person: Person):
    """Record an authorization against the current notice; minors need their guardian's."""
    form = validated(ConsentFields)
    consent = services.record_consent(person, channel="api", **form.authorization())
    return jsonify(CONSENT.dump(consent)), 201


@bp.post("/people/<int:person_id>/consents/revoke")
@doc("Revocar todas las autorizaciones vigentes de una persona (admin)", response=REVOKED,
     tags=TAGS, example={"revoked": 1, "consents": [{**EXAMPLE,
                                                      "revoked_at": "2026-03-09T10:00:00Z"}]})
@requires(Role.ADMIN)
@loads("person_id", Person)
def consents_revoke(person: Person):
    """The person's right to revoke: every active authorization ends now."""
    count = services.revoke_consents(person)
    rows = db.session.scalars(_consents(person)).all()
    return jsonify({"revoked": count, "consents": [CONSENT.dump(c) for c in rows]})
