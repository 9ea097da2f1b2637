"""The certificates domain's URLs: the admin pages, and the public verification, keys,
status list and citizen portal (rate limits are set here, next to each rule)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter

from lms import navigation, pagecache
from lms.certificates import issue, public_views, signer_views, views
from lms.certificates.codes import normalize
from lms.extensions import csrf
from lms.ratelimit import limit

PORTAL_LIMIT = "10/minute;40/hour"


class CodeConverter(BaseConverter):
    """A document code as typed (any case, with or without dashes) becomes the canonical one.

    Text that cannot be a code is passed on as is, so the lookup answers 404.
    """

    def to_python(self, value: str) -> str:
        """The canonical code, or the text unchanged."""
        return normalize(value) or value


bp = Blueprint("certificates", __name__)
bp.record_once(lambda state: state.app.url_map.converters.setdefault("code", CodeConverter))

#: The verification limit (CERT_VERIFY_RATE_LIMIT), counted per view.
verify_limit = limit(public_views.verify_limit)
#: The same, with the public cache's token read in the same Redis round trip.
cached_verify_limit = limit(public_views.verify_limit, companion=pagecache.TOKEN_READ)

bp.add_url_rule("/admin/certificados", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/admin/certificados/emitir", "issue_one", views.issue_one, methods=["POST"])
bp.add_url_rule("/admin/certificados/firma", "signer", signer_views.signer,
                methods=["GET", "POST"])
bp.add_url_rule("/admin/certificados/lotes", "start_batch", views.start_batch, methods=["POST"])
bp.add_url_rule("/admin/certificados/lotes/<int:job_id>", "job", views.job)
bp.add_url_rule("/admin/certificados/lotes/<int:job_id>.json", "job_status", views.job_status)
bp.add_url_rule("/admin/certificados/lotes/<int:job_id>/archivo", "request_job_file",
                views.request_job_file, methods=["POST"])
bp.add_url_rule("/admin/certificados/lotes/<int:job_id>/archivo.<kind>",
                "job_file", views.job_file)
bp.add_url_rule("/admin/certificados/<code:code>", "detail", views.detail)
bp.add_url_rule("/admin/certificados/<code:code>/pdf", "pdf", views.pdf)
bp.add_url_rule("/admin/certificados/<code:code>/revocar", "revoke", views.revoke,
                methods=["POST"])
bp.add_url_rule("/admin/certificados/<code:code>/corregir", "correct", views.correct,
                methods=["GET", "POST"])

bp.add_url_rule("/v/<code>.json", "verify_json",
                cached_verify_limit(public_views.verify_json))
bp.add_url_rule("/v/<code>", "verify", csrf.exempt(cached_verify_limit(public_views.verify)),
                methods=["GET", "POST"])  # the comparison form: see forms.UploadForm
# The compact QR's address: /V/ and the code's 16 symbols, in any case.
bp.add_url_rule("/V/<code>", "verify_qr", cached_verify_limit(public_views.verify_qr))
bp.add_url_rule("/v/<code>/credential.json", "credential_json",
                verify_limit(public_views.credential_json))
bp.add_url_rule("/v/<code>/credential.jwt", "credential_jwt",
                verify_limit(public_views.credential_jwt))
bp.add_url_rule("/.well-known/status-list/credential.jwt", "status_list_credential",
                public_views.status_list_credential)
bp.add_url_rule("/.well-known/jwks.json", "jwks", public_views.jwks)
bp.add_url_rule("/.well-known/status-list", "status_list", public_views.status_list)
bp.add_url_rule("/certificados", "portal",
                limit(PORTAL_LIMIT, methods=("POST",))(public_views.portal),
                methods=["GET", "POST"])
bp.add_url_rule("/certificados/enviar/<token>", "resend",
                limit(PORTAL_LIMIT)(public_views.resend), methods=["POST"])
bp.add_url_rule("/certificados/descargar/<token>", "download",
                verify_limit(public_views.download))

navigation.pending("certificates.index", _l("Certificados por emitir"), issue.pending_total)
