"""Public pages: verification (/v/CODE, .json), JWKS, status list, citizen portal.

No login; rate-limited per client (limits applied in blueprint.py); nothing here shows
a full document number.
"""

import json

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import undefer

from lms import pagecache
from lms.certificates import (
    codes,
    compact,
    credential,
    notify,
    public,
    signing,
    status,
    statuslist,
)
from lms.certificates.forms import PortalForm, UploadForm
from lms.certificates.lifecycle import is_anonymized
from lms.certificates.models import Certificate
from lms.certificates.responses import pdf_response
from lms.extensions import db
from lms.formatting import N_, preferred_language
from lms.web import attempt


def verify_limit() -> str:
    """Per-client limit on verification (CERT_VERIFY_RATE_LIMIT, default 120/minute)."""
    return current_app.config.get("CERT_VERIFY_RATE_LIMIT", "120/minute")


NOT_FOUND = N_(
    "No existe un documento con el código %(code)s. Revise que lo haya escrito completo "
    "(cuatro grupos de cuatro caracteres y un carácter final de control)."
)


def _missing(code: str):
    """404 with the reason in Spanish: a mistyped check symbol, or no such document."""
    text = codes.MISTYPED if codes.looks_mistyped(code) else NOT_FOUND
    abort(404, _(text, code=code[:40]))


def _found(code: str):
    found = public.find(code)
    if found is None:
        _missing(code)
    return found


def verify_json(code: str):
    """The verification record as JSON."""
    # Keys in the documented order (Flask's jsonify would sort them).
    body = public.record_json(code)
    if body is None:
        _missing(code)
    return _public(Response(body, mimetype="application/json"), "no-cache")


def verify(code: str):
    """Public verification page; a POST compares an uploaded PDF with the issued one."""
    if request.method == "GET" and not request.cookies:
        # Nobody signed in, no message waiting: the same page for every reader in this
        # language, kept per process while no document changes (pagecache).
        return pagecache.cached(("verify", code, preferred_language()), lambda: _page(code)[0])
    return _page(code)


def _page(code: str) -> tuple[str, int]:
    cert = public.lookup(code)
    if cert is None:
        _missing(code)
    replaced_by = cert.replaced_by
    form = UploadForm()
    match = None
    if request.method == "POST" and form.validate_on_submit():
        data = form.pdf.data.read(8 * 1024 * 1024 + 1)
        match = public.same_file(cert, data)
    status = 422 if request.method == "POST" and match is None else 200
    return render_template(
        "certificates/verify.html", cert=cert, data=public.record(cert, replaced_by),
        replaced_by=replaced_by, form=form, match=match, anonymized=is_anonymized(cert),
        jwks_url=url_for(".jwks"), status_url=url_for(".status_list"),
        issuer=compact.issuer(current_app.config["BASE_URL"]), code16=compact.code16(cert.code),
        carried=public.carried_fields(cert),
    ), status


def verify_qr(code: str):
    """The address in the compact QR (/V/ and 16 symbols, any case): the same page."""
    return verify(code)


def credential_json(code: str):
    """The document's Open Badges 3.0 credential, unsigned, to read."""
    cert, _unused = _found(code)
    response = Response(json.dumps(credential.achievement_credential(cert), ensure_ascii=False,
                                   indent=2), mimetype="application/json")
    return _public(response, "no-cache")


def credential_jwt(code: str):
    """The document's Open Badges 3.0 credential as a JWT (ES256), for wallets and LMSs."""
    cert, _unused = _found(code)
    response = Response(credential.signed(cert), mimetype="application/jwt")
    response.headers["Content-Disposition"] = f'attachment; filename="credencial-{cert.code}.jwt"'
    return _public(response, "no-cache")


def status_list_credential():
    """The revocation BitstringStatusListCredential as a signed JWT."""
    response = Response(statuslist.signed(credential.issuer()), mimetype="application/jwt")
    return _public(response, "public, max-age=300")


def _public(response: Response, cache_control: str) -> Response:
    # Readable from any origin: verifiers and wallets fetch these from their own pages.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = cache_control
    return response


def jwks():
    """Public keys, current and retired, so every document ever signed still verifies."""
    return _public(jsonify(signing.jwks()), "public, max-age=3600")


def status_list():
    """Signed list of revoked and superseded codes (a compact JWS with iat and exp)."""
    return _public(Response(status.current(), mimetype="application/jose"),
                   "public, max-age=300")


def portal():
    """Citizen portal: document type, number and birth date list one's own documents."""
    form = PortalForm()
    results = None
    if form.validate_on_submit():
        results = public.portal_lookup(form.document_type.data, form.document_number.data,
                                       form.birth_date.data)
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template("certificates/portal.html", form=form, results=results,
                           linkedin=credential.linkedin_url), status


def resend(token: str):
    """A citizen's "send it to my e-mail": the document again, to the address on file."""
    cert = public.by_token(token)
    if cert is None:
        abort(404, "El enlace no es válido o ya fue reemplazado. Consulte de nuevo sus "
                   "documentos.")
    with attempt() as done:
        address = notify.resend(cert)
    if done:
        flash(_(
            "Enviamos el documento %(code)s a su correo registrado (%(address)s). Puede tardar "
            "unos minutos en llegar.",
            code=cert.code,
            address=address,
        ), "success")
    return redirect(url_for(".portal"))


def download(token: str):
    """A citizen's download link: the issued PDF, byte for byte."""
    cert = public.by_token(token)
    if cert is None:
        abort(404, "El enlace de descarga no es válido o ya fue reemplazado. "
                   "Consulte de nuevo sus documentos.")
    cert = db.session.scalar(select(Certificate).options(undefer(Certificate.pdf))
                             .filter_by(id=cert.id))
    return pdf_response(cert)
