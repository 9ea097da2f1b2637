"""Who launched: an instructor becomes a trainer account of ours, a learner an account to
match with a person; the LMS course becomes a ``Context``. Every launch is audited."""

import hashlib
import secrets

from sqlalchemy import select

from lms.audit.services import record
from lms.auth.models import Role, User
from lms.auth.services import create_user
from lms.courses.models import Cohort
from lms.extensions import db
from lms.lti import learners
from lms.lti.launch import LTI, Launch
from lms.lti.models import Account, Context
from lms.lti.platforms import origin

#: Role URIs (LIS v2) whose holders manage the cohort: Instructor, Administrator, TA.
STAFF_ROLES = ("#Instructor", "#Administrator", "#TeachingAssistant")
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def is_instructor(launch: Launch) -> bool:
    """Whether the launch's roles include Instructor, Administrator or TeachingAssistant."""
    return any(str(role).endswith(STAFF_ROLES) for role in launch.claim("roles", []) or [])


def account_for(launch: Launch) -> Account:
    """The account of platform + ``sub``, created on first launch."""
    sub = str(launch.claims["sub"])
    account = db.session.scalar(select(Account).where(
        Account.platform_id == launch.platform.id, Account.sub == sub))
    if account is None:
        account = Account(platform_id=launch.platform.id, sub=sub)
        db.session.add(account)
        db.session.flush()
    return account


def trainer_for(launch: Launch, account: Account) -> User:
    """The trainer account linked to an instructor's account (created on first launch)."""
    user = db.session.get(User, account.user_id) if account.user_id else None
    if user is None:
        digest = hashlib.sha256(f"{launch.platform.id}:{account.sub}".encode()).hexdigest()[:16]
        name = str(launch.claims.get("name") or "").strip()[:120] or "Docente LMS"
        user = create_user(f"lti-{launch.platform.id}-{digest}@lti.invalid", name,
                           Role.TRAINER, secrets.token_urlsafe(32))
        db.session.flush()
        account.user_id = user.id
    return user


def context_for(launch: Launch) -> Context | None:
    """The launch's LMS course (platform, deployment, ``context.id``), kept up to date."""
    claim = launch.claim("context") or {}
    if not claim.get("id"):
        return None
    context = db.session.scalar(select(Context).where(
        Context.platform_id == launch.platform.id,
        Context.deployment_id == launch.deployment_id, Context.context_id == str(claim["id"])))
    if context is None:
        context = Context(platform_id=launch.platform.id, deployment_id=launch.deployment_id,
                          context_id=str(claim["id"]))
        db.session.add(context)
    context.title = str(claim.get("title") or claim.get("label") or "")[:255]
    ags = launch.claims.get(AGS) or {}
    if ags.get("lineitems"):
        context.lineitems_url = str(ags["lineitems"])[:500]
        context.ags_scopes = " ".join(ags.get("scope") or [])
    nrps = launch.claims.get(NRPS) or {}
    if nrps.get("context_memberships_url"):
        context.memberships_url = str(nrps["context_memberships_url"])[:500]
    db.session.flush()
    return context


def admit(launch: Launch) -> tuple[Account, User | None, Context | None]:
    """Record a validated launch: the account, the trainer (instructors) and the context."""
    account = account_for(launch)
    user = trainer_for(launch, account) if is_instructor(launch) else None
    context = context_for(launch)
    if user is None:
        learners.match_by_claim(account, launch.claim("custom") or {})
    record("lti_launch", account, {
        "platform_id": launch.platform.id,
        "message_type": launch.message_type,
        "role": "instructor" if user else "learner",
        "context": context.id if context else None,
    })
    return account, user, context


def cohort_by_code(code: str | None) -> Cohort | None:
    """The cohort a deep-linked launch names (its custom ``cohort``), if it exists."""
    return db.session.scalar(select(Cohort).where(Cohort.code == code)) if code else None


def return_origin(launch: Launch) -> str | None:
    """The LMS page's origin (the frame's parent), from the launch presentation claim."""
    url = (launch.claims.get(LTI + "launch_presentation") or {}).get("return_url") or ""
    return origin(url) if url.startswith("https://") else None

#: Scopes the tool asks for: line items, scores and results (AGS), the roster (NRPS).
TOOL_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
