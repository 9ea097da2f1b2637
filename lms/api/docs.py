"""``/api/docs``: the API document shown with Swagger UI, from this site's own files.

Swagger UI is vendored under ``static/vendor/swagger-ui`` (no CDN) and started by
``static/api-docs.js``, so the strict CSP (no inline scripts) holds on this page too.
"""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def page():
    """The interactive API reference (public, like the document it shows)."""
    return render_template("api/docs.html")
