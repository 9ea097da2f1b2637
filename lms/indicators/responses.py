"""Responses shared by the staff and public views (kept out of both view modules)."""

from flask import Response


def csv_download(text: str, filename: str) -> Response:
    """A CSV attachment; the charset is named once (``mimetype`` would append a second one)."""
    return Response(
        text,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
