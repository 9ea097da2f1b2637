"""API resource: finding people by document or name, with the search in the body.

Issue 9: document numbers never travel in a URL, where access logs and proxies keep them.
``POST /people/search`` takes ``{"q": ...}``; its ``next`` page is the same POST at the
``next`` URL (the cursor is in the URL, the search stays in the body). ``GET /people``
lists with non-personal filters only (lms/api/people.py).
"""

from flask import jsonify
from flask_login import current_user
from wtforms import Form, StringField
from wtforms.validators import Length

from lms import policy
from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import validated
from lms.api.openapi import LIST, doc
from lms.api.people import PERSON, person_json
from lms.api.serialize import page_schema
from lms.auth.models import Role
from lms.people import search
from lms.web import requires


class SearchForm(Form):
    """What to look for: a document number (by prefix) or words of the names."""

    q = StringField("Documento o nombre", validators=[Length(max=120)])


@bp.post("/people/search")
@doc("Buscar personas por documento o nombre (la búsqueda va en el cuerpo, nunca en la "
     "URL); la página siguiente es el mismo POST en la URL «next»", body=SearchForm,
     response=page_schema(PERSON.schema), tags=("people",), params=LIST,
     body_example={"q": "1090123"},
     example={"items": [], "limit": 50, "total": 0, "next": None})
@requires(Role.ADMIN, Role.TRAINER)
def people_lookup():
    """Search people; a trainer only finds the people of their cohorts."""
    form = validated(SearchForm)
    query = search.search_query(form.q.data).where(policy.people_seen(current_user))
    return jsonify(paginated(query, person_json))
