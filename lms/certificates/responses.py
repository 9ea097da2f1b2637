"""Responses shared by the admin and public pages (kept out of both view modules)."""

from flask import Response

from lms.certificates.models import Certificate


def pdf_response(cert: Certificate) -> Response:
    """The issued PDF, byte for byte, as a private download."""
    return Response(cert.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{cert.kind}-{cert.code}.pdf"',
        "Cache-Control": "private, no-store",
    })
