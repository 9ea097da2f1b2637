"""Security headers on every response, in one place.

A strict Content Security Policy (scripts and styles only from our own files, no inline
code), no framing except where a view says which origins may frame it (the LTI pages),
no MIME sniffing, no referrer leaving the site (the citizen's download links carry a token),
no camera or microphone, HSTS over HTTPS, and ``no-store`` on every dynamic response unless
the view marked it public (the JWKS, the status list): pages with personal data never sit in
a shared computer's cache.
"""

from collections.abc import Callable

from flask import Flask, current_app, request, session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'{form_targets}; frame-ancestors {ancestors}"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
STATIC_ENDPOINTS = {"static", "bootstrap.static"}
#: Session key listing the origins that may frame every page of that session (an LMS that
#: launched it, ``lms.lti.frame``); absent for ordinary sessions.
FRAME_SESSION_KEY = "frame_ancestors"


def frameable(origins: Callable[[], list[str]]):
    """Let the pages of this view be framed by the origins ``origins()`` returns (LTI)."""

    def decorator(view):
        view.frame_ancestors = origins
        return view

    return decorator


def policy(ancestors: list[str], form_targets: list[str] = ()) -> str:
    """The Content-Security-Policy for these framers and extra form targets (an LMS that
    receives a deep-linking answer); a view may set it itself, the hook keeps it."""
    extra = "".join(f" {t}" for t in form_targets)
    return CSP.format(ancestors=" ".join(ancestors) or "'none'", form_targets=extra)


def current_ancestors() -> list[str]:
    """The origins allowed to frame the current response."""
    return _ancestors()


def _ancestors() -> list[str]:
    view = current_app.view_functions.get(request.endpoint or "")
    source = getattr(view, "frame_ancestors", None)
    origins = list(source()) if source else []
    if request.endpoint not in STATIC_ENDPOINTS and _has_session():
        origins += [o for o in session.get(FRAME_SESSION_KEY) or () if o not in origins]
    return origins


def _has_session() -> bool:
    # Whether the request carries a session cookie: Flask marks the session read (adding
    # "Vary: Cookie") as soon as it is touched, even to find it empty.
    return current_app.session_interface.get_cookie_name(current_app) in request.cookies


#: The headers of a response no one may frame (almost all of them), built once.
_UNFRAMED = {
    "Content-Security-Policy": policy([]),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
}
#: The same for a framed page: its own policy, and no X-Frame-Options.
_FRAMED = {k: v for k, v in _UNFRAMED.items()
           if k not in ("Content-Security-Policy", "X-Frame-Options")}
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def install(app: Flask) -> None:
    """Add the headers to every response."""

    @app.after_request
    def _headers(response):
        # One pass over what the view set (werkzeug's ``in`` and ``get`` raise and catch a
        # KeyError per absent header: a tenth of a public lookup's time).
        headers = response.headers
        present = {name.lower(): value for name, value in headers.items()}
        ancestors = _ancestors()
        fixed = _UNFRAMED
        if ancestors:
            fixed = _FRAMED
            if "content-security-policy" not in present:
                headers.add("Content-Security-Policy", policy(ancestors))
        headers.extend([(k, v) for k, v in fixed.items() if k.lower() not in present])
        if request.is_secure and "strict-transport-security" not in present:
            headers.add(*_HSTS)
        if request.endpoint not in STATIC_ENDPOINTS and "public" not in present.get(
                "cache-control", ""):
            headers["Cache-Control"] = "no-store"
        return response
