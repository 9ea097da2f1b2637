"""Names and Role Provisioning Services: import the LMS course's learners into its cohort.

Members already linked to a person (an earlier match), or whom the member's custom claim
(document type and number, the same claim a learner launch reads) names, are enrolled by the
enrollment rules (consent, seats, dates). The others stay "pendientes de documento y
autorización": they get an account, count nowhere, and are enrolled once they launch and
are matched to a person with consent.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms.audit.services import record
from lms.courses.enrollments import get_or_enroll
from lms.courses.models import Cohort
from lms.errors import ValidationError
from lms.extensions import db
from lms.lti import learners, services_client
from lms.lti.models import Account, Context, Platform
from lms.people.models import Person

SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
#: Pages of members followed through the Link header at most.
MAX_PAGES = 50


@dataclass
class RosterResult:
    """What an import did, for the instructor's page."""

    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def _members(platform: Platform, url: str) -> list[dict]:
    members: list[dict] = []
    for _page in range(MAX_PAGES):
        answer, headers = services_client.call(platform, [SCOPE], url, accept=MEMBERSHIP_TYPE)
        members += answer.get("members") or []
        url = _next_link(headers.get("Link") or headers.get("link") or "")
        if not url:
            break
    return members


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1: part.index(">")]
    return None


def _is_learner(member: dict) -> bool:
    return any(str(r).endswith("#Learner") for r in member.get("roles") or []) and (
        member.get("status", "Active") == "Active")


def _member_custom(member: dict) -> dict:
    """The member's custom claim: NRPS puts it in each ``message`` (or a plain ``custom``)."""
    custom: dict = {}
    for message in member.get("message") or []:
        if isinstance(message, dict) and isinstance(message.get(CUSTOM_CLAIM), dict):
            custom.update(message[CUSTOM_CLAIM])
    if isinstance(member.get("custom"), dict):
        custom.update(member["custom"])
    return custom


def import_roster(context: Context) -> RosterResult:
    """Enroll the course's linked learners into the context's cohort; list the others."""
    if not context.memberships_url or not context.cohort_id:
        raise ValidationError(_("La plataforma no ofrece la lista de participantes de este curso."))
    platform = db.session.get(Platform, context.platform_id)
    cohort = db.session.get(Cohort, context.cohort_id)
    try:
        members = _members(platform, context.memberships_url)
    except services_client.ServiceError as exc:
        raise ValidationError(_(
            "La plataforma no entregó la lista de participantes (%(exc)s).",
            exc=exc,
        )) \
            from exc
    result = RosterResult()
    for member in filter(_is_learner, members):
        name = str(member.get("name") or member.get("user_id"))[:120]
        account = _account(platform, str(member["user_id"]))
        learners.match_by_claim(account, _member_custom(member))
        person = db.session.get(Person, account.person_id) if account.person_id else None
        if person is None:
            result.pending.append(name)
            continue
        try:
            with db.session.begin_nested():
                _enrollment, created = get_or_enroll(person, cohort)
        except ValidationError as exc:
            result.refused.append((name, exc.message))
            continue
        (result.enrolled if created else result.already).append(name)
    record("lti_roster", context, {"enrolled": len(result.enrolled),
                                   "pending": len(result.pending),
                                   "refused": len(result.refused)})
    return result


def _account(platform: Platform, sub: str) -> Account:
    account = db.session.scalar(select(Account).where(Account.platform_id == platform.id,
                                                      Account.sub == sub))
    if account is None:
        account = Account(platform_id=platform.id, sub=sub[:255])
        db.session.add(account)
        db.session.flush()
    return account
