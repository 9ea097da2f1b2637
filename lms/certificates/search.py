"""Finding issued documents: the one rule the admin list and the API search share."""

from sqlalchemy import or_, select

from lms.certificates.codes import forms
from lms.certificates.models import Certificate


def matching(q: str | None):
    """Documents whose code, holder's name (a part) or document number matches ``q``, newest
    first; every document when ``q`` is blank."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    q = (q or "").strip()
    if q:
        query = query.where(or_(Certificate.code.in_(forms(q)),
                                Certificate.holder_name.ilike(f"%{q}%"),
                                Certificate.document_number == q))
    return query
