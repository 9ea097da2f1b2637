"""API resource: certificate search and corrections of the printed data (see
lms/api/__init__.py).

The search is a POST so document numbers travel in the body, never in a URL (logs, proxies,
browser history); it runs the admin list's rule (``certificates.search``). A correction is
the page's: the changed fields go through the same form and ``lifecycle.supersede``.
"""

from flask import jsonify
from flask_login import current_user

from lms.api import bp
from lms.api.certificates import CERTIFICATE, certificate_json
from lms.api.conventions import paginated
from lms.api.core import validated
from lms.api.openapi import LIST, doc
from lms.api.serialize import page_schema
from lms.auth.models import Role
from lms.certificates import lifecycle, search
from lms.certificates.forms import CorrectForm, SearchForm
from lms.certificates.models import Certificate
from lms.web import loads, requires

_EXAMPLE_DOC = {"code": "7KQ2-M9XD-4TPR-2B8H", "status": "valid", "kind": "certificado",
                "enrollment_id": 41, "name": "Ana María Pérez", "document_type": "CC",
                "document_number": "1090111222", "course": "TIC-BASICO",
                "course_name": "Alfabetización digital básica", "hours": 40,
                "completed": "2026-03-20", "site": "CAC Atalaya", "trainer": "Luis Gómez",
                "issued": "2026-03-21T15:02:11Z", "sha256": "…", "kid": "2026-01",
                "revoked_at": None, "revoked_reason": None, "replaced_by": None,
                "verify_url": "https://formacion.example.gov.co/v/7KQ2M9XD4TPR2B8H"}


@bp.route("/certificates/search", methods=["POST"])
@doc("Buscar documentos por código, parte del nombre o número de documento (en el cuerpo, "
     "nunca en la URL); paginado con limit y cursor", body=SearchForm,
     response=page_schema(CERTIFICATE), params=LIST, tags=("certificates",),
     example={"items": [_EXAMPLE_DOC], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN)
def certificates_search():
    """The documents the admin list finds for ``q``, newest first."""
    form = validated(SearchForm)
    return jsonify(paginated(search.matching(form.q.data), certificate_json))


@bp.route("/certificates/<code:code>/corrections", methods=["POST"])
@doc("Corregir datos impresos (solo los campos enviados cambian): se emite un documento "
     "nuevo que reemplaza al anterior", body=CorrectForm, response=CERTIFICATE, status=201,
     tags=("certificates",), example={**_EXAMPLE_DOC, "name": "Ana María Pérez Ibáñez"})
@requires(Role.ADMIN)
@loads("code", Certificate, column=Certificate.code)
def certificates_corrections(code: Certificate):
    """Supersede a document with corrected data (422 when revoked, replaced or unchanged)."""
    form = validated(CorrectForm, obj=code)
    new = lifecycle.supersede(code, form.data, current_user.id)
    return jsonify(certificate_json(new)), 201
