"""Admin actions on a person: rights under Ley 1581 (export, anonymise, revoke, a new
authorization) and merging duplicates, or undoing a merge (rules in blueprint.py)."""


from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.models import Role
from lms.extensions import db
from lms.people import merging, rights, search, services
from lms.people.forms import ConfirmForm, ConsentForm, MergeForm
from lms.people.models import Person
from lms.people.pages import act_on, to_person
from lms.web import MAX_ID, attempt, loads, requires


def _merged(detail: dict) -> str:
    moved = len(detail.get("enrollments_moved", [])) + len(detail.get("enrollments_joined", []))
    return _("Registros fusionados; inscripciones trasladadas: %(moved)s.", moved=moved)


@requires(Role.ADMIN)
@loads("person_id", Person)
def export(person: Person):
    """Download everything stored about the person as JSON (right to know)."""
    return Response(
        rights.export_json(person, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=persona-{person.id}.json"},
    )


@requires(Role.ADMIN)
@loads("person_id", Person)
def anonymize(person: Person):
    """Remove the person's identity while keeping the counts (right to delete)."""
    form = ConfirmForm()
    message = _("La persona fue anonimizada; sus inscripciones siguen contando.")
    done = act_on(person.id, form, lambda: rights.anonymize_person(person), message)
    return done or render_template("people/anonymize.html", person=person, form=form)


@requires(Role.ADMIN)
@loads("person_id", Person)
def revoke(person: Person):
    """Record that the person revoked their authorization."""
    if not ConfirmForm().validate_on_submit():
        flash(_("Confirme la revocación marcando la casilla."), "error")
    else:
        count = services.revoke_consents(person)
        flash(_("Autorizaciones revocadas: %(count)s.", count=count), "success")
    return to_person(person.id)


@requires(Role.ADMIN)
@loads("person_id", Person)
def consent(person: Person):
    """Record a new authorization for a registered person (e.g. after they revoked one)."""
    with attempt() as allowed:  # refused: the message is flashed on the person page
        services.check_consentable(person)
    if not allowed:
        return to_person(person.id)
    form = ConsentForm()
    done = act_on(
        person.id,
        form,
        lambda: services.record_consent(person, **form.authorization()),
        _("Autorización registrada."),
    )
    if done:
        return done
    notice = services.current_notice()
    form.notice_version.data = notice.version
    minor = services.is_minor(person.birth_date, person.document_type)
    return render_template(
        "people/consent.html", person=person, form=form, notice=notice, minor=minor
    )


@requires(Role.ADMIN)
@loads("person_id", Person)
def merge(person: Person):
    """Fold a duplicate record of the same human into this one, after comparing both and
    typing the kept document number; the latest merge can be undone for 30 days."""
    form = MergeForm()
    duplicate = _duplicate(request.values.get("duplicado", type=int))

    def fold_duplicate() -> dict:
        return merging.merge_confirmed(person, form.duplicate_id.data, form.confirm_document.data)

    # The search and «Comparar» post too (a document number stays out of URLs); only the
    # confirmation (the merge form) carries the duplicate_id field.
    searching = request.method == "POST" and "duplicate_id" not in request.form
    done = None if searching else act_on(person.id, form, fold_duplicate, _merged)
    if done:
        return done
    duplicate = duplicate or _duplicate(form.duplicate_id.data)
    q = request.form.get("q", "").strip() or person.last_names
    candidates = db.session.scalars(
        search.search_query(q).where(Person.id != person.id).limit(25)
    ).all()
    return render_template(
        "people/merge.html", person=person, form=form, q=q, candidates=candidates,
        duplicate=duplicate if duplicate is not None and duplicate.id != person.id else None,
        rows=merging.compare(person, duplicate) if duplicate is not None else [],
        undoable=merging.undoable_merge(person), undo_days=merging.UNDO_DAYS,
    )


def _duplicate(ident: int | None) -> Person | None:
    return db.session.get(Person, ident) if ident and 0 < ident <= MAX_ID else None


@requires(Role.ADMIN)
@loads("person_id", Person)
def unmerge(person: Person, entry_id: int):
    """Undo the person's latest merge: the other record and its enrollments come back."""
    with attempt() as done:
        restored = merging.unmerge(person, entry_id)
    if done:
        document = f"{restored.document_type} {restored.document_number}"
        flash(_("Fusión deshecha: %(name)s (%(doc)s) volvió a ser un registro aparte.",
                name=restored.full_name, doc=document), "success")
    return redirect(url_for("people.merge", person_id=person.id))
