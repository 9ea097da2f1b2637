"""Every document's digital twin: an Open Badges 3.0 AchievementCredential.

Served as JSON (to read) and as a JWT signed with the certificate keys (ES256), whose
claims follow OB 3.0's JWT rules: ``iss`` the issuer id, ``jti`` the credential id,
``nbf`` its validFrom, ``sub`` the credentialSubject id (a random urn:uuid stored with
the document, never the document number). ``credentialStatus`` points to the
revocation bit list of statuslist.py.
"""

from urllib.parse import quote, urlencode

from flask import current_app

from lms.certificates import signing, statuslist
from lms.certificates.compact import hours_text
from lms.certificates.models import Certificate
from lms.formatting import N_

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
KIND_NAMES = {"certificado": N_("Certificado"), "constancia": N_("Constancia de participación")}
#: OB 3.0 achievementType: a certification course, or participation in an informal one.
ACHIEVEMENT_TYPES = {"certificado": "Certificate", "constancia": "CertificateOfCompletion"}


def issuer() -> dict:
    """The issuer Profile: the Alcaldía, its address and its NIT."""
    base = current_app.config["BASE_URL"]
    return {
        "id": base,
        "type": ["Profile"],
        "name": current_app.config["ISSUER_NAME"],
        "url": base,
        "otherIdentifier": [{
            "type": "IdentifierEntry",
            "identifier": current_app.config["ISSUER_NIT"],
            "identifierType": "ext:NIT",
        }],
    }


def credential_id(cert: Certificate) -> str:
    """The credential's id: its public verification address."""
    return f"{current_app.config['BASE_URL']}/v/{cert.code}"


def achievement_credential(cert: Certificate) -> dict:
    """The unsigned AchievementCredential of one document."""
    course = cert.enrollment.cohort.course
    kind = KIND_NAMES.get(cert.kind, cert.kind)
    hours = hours_text(cert.hours)
    return {
        "@context": CONTEXT,
        "id": credential_id(cert),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{kind}: {cert.course_name}",
        "issuer": issuer(),
        "validFrom": cert.issued_at.replace(microsecond=0).isoformat() + "Z",
        "credentialSubject": {
            "id": cert.subject_id,
            "type": ["AchievementSubject"],
            "activityEndDate": f"{cert.completed_on.isoformat()}T00:00:00Z",
            "achievement": {
                "id": f"{current_app.config['BASE_URL']}/cursos/{quote(cert.course_code)}",
                "type": ["Achievement"],
                "name": cert.course_name,
                "description": f"{kind} del curso {cert.course_name} ({hours} horas), "
                               f"{current_app.config['ISSUER_NAME']}.",
                "criteria": {"narrative": (
                    f"Curso de {hours} horas. Se otorga a quien asiste al menos al "
                    f"{course.min_attendance_pct} % de las horas (presente o tarde); "
                    "las sesiones con excusa o ausencia no suman horas."
                )},
                "achievementType": ACHIEVEMENT_TYPES.get(cert.kind, "Achievement"),
                "humanCode": cert.course_code,
                "inLanguage": "es-CO",
                "tag": [f"MGA:{course.product_code}"],
            },
        },
        "credentialStatus": statuslist.entry(cert),
    }


def signed(cert: Certificate) -> str:
    """The credential as a JWT (OB 3.0: iss, jti, nbf and sub mirror the JSON)."""
    body = achievement_credential(cert)
    return signing.keyring().sign_jwt(body, {
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": signing.timestamp(body["validFrom"]),
        "sub": body["credentialSubject"]["id"],
    })


def linkedin_url(cert: Certificate) -> str:
    """LinkedIn's add-to-profile link for a certification, filled in from the document."""
    day = cert.issued_at
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME",
        "name": cert.course_name,
        "organizationName": current_app.config["ISSUER_NAME"],
        "issueYear": day.year,
        "issueMonth": day.month,
        "certUrl": credential_id(cert),
        "certId": cert.code,
    })
