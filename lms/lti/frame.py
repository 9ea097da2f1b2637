"""Living inside the LMS's iframe: third-party cookies and who may frame us.

A launch marks the session as an LTI one; its cookie is then ``SameSite=None; Secure;
Partitioned`` (CHIPS), which browsers send inside a cross-site frame, so the login and
its CSRF token work there. Other sessions keep the site's ``Lax`` cookie. The session also
names the origins that may frame its pages (``security.FRAME_SESSION_KEY``): the launching
platform's, nobody else's.
"""

from functools import wraps

from flask import Flask, abort, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user

from lms.auth import sessions
from lms.lti import platforms
from lms.lti.deep_linking import COHORT_PARAM, settings_of
from lms.lti.launch import LOGIN_MINUTES, STATE_COOKIE
from lms.security import FRAME_SESSION_KEY

#: Session key holding the launch's ids (account, platform, context, role).
LTI_KEY = "lti"


def framed() -> bool:
    """Whether the current session came from an LTI launch."""
    return LTI_KEY in session


def launched(role: str):
    """Allow only a session opened by a launch of ``role`` (instructor or learner)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if (session.get(LTI_KEY) or {}).get("role") != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def launch_data() -> dict:
    """The current launch's ids (account, platform, context, role)."""
    return session.get(LTI_KEY) or {}


def roster_offered() -> bool:
    """Whether the page is seen by an instructor launched from an LMS course."""
    data = launch_data()
    return data.get("role") == "instructor" and bool(data.get("context"))


class FramedSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions, cross-site-capable for LTI sessions."""

    def open_session(self, app: Flask, request):
        """The request's session; a new one, without building the signer, if it sent none."""
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        """Nothing to do for a session nobody read or changed (a public lookup); the
        cookie settings below would read it, and so add "Vary: Cookie"."""
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """``None`` for LTI sessions, the configured value otherwise."""
        return "None" if framed() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Always Secure for LTI sessions (browsers require it with SameSite=None)."""
        return True if framed() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """Partitioned (per top-level site) for LTI sessions."""
        return True if framed() else super().get_cookie_partitioned(app)


def install(app: Flask) -> None:
    """Use the framed session interface; offer the roster import in the menu of a framed
    instructor (templates name their own ``session`` variables, so a function asks)."""
    app.session_interface = FramedSessionInterface()
    app.jinja_env.globals["lti_roster_offered"] = roster_offered


def set_state_cookie(response, state: str) -> None:
    """Bind a login's state to this browser (sent back on the platform's cross-site POST)."""
    response.set_cookie(STATE_COOKIE + state, state, max_age=LOGIN_MINUTES * 60, secure=True,
                        httponly=True, samesite="None", partitioned=True, path="/lti/")


def cohort_code(launch) -> str | None:
    """The cohort a deep-linked resource link names (custom parameter), if any."""
    value = (launch.claim("custom") or {}).get(COHORT_PARAM)
    return str(value)[:40] if value else None


def start(launch, account, user, context, return_origin: str | None) -> None:
    """Open the session of a validated launch (a trainer login for instructors)."""
    session.clear()
    if user is not None:
        login_user(user)
        sessions.stamp()
    origins = {platforms.origin(launch.platform.issuer),
               platforms.origin(launch.platform.auth_login_url)}
    if return_origin:
        origins.add(return_origin)
    session[FRAME_SESSION_KEY] = sorted(origins)
    session[LTI_KEY] = {
        "account": account.id, "platform": launch.platform.id,
        "context": context.id if context else None,
        "role": "instructor" if user is not None else "learner",
        "message_type": launch.message_type,
        "deployment": launch.deployment_id,
        "cohort": cohort_code(launch),
    }
    if launch.message_type == "LtiDeepLinkingRequest":
        session[LTI_KEY]["deep_link"] = settings_of(launch.claims)
