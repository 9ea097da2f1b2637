"""Page pieces shared by the courses views: the edit page of a record and its delete button.

Every catalog, site, cohort and session page follows one shape: a valid POST saves through
a service (its ValidationError lands next to the fields and undoes the request), flashes
what was saved and redirects; deleting goes forward, or back with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for

from lms.web import attempt


def edit_page(form, title: str, back: str, delete_url: str | None = None, **extra):
    """Render the generic edit page of a courses record."""
    return render_template(
        "courses/edit.html", form=form, title=title, back=back, delete_url=delete_url, **extra
    )


def edit_record(form, save: Callable, saved: Callable, *, then: Callable, **page):
    """Save on a valid POST (``save()``), flash ``saved(result)``, go to ``then(result)``.

    Otherwise, or when the service refuses, show ``edit_page(form, **page)``. ``saved`` may
    flash its own messages and return None.
    """
    if form.validate_on_submit():
        with attempt(form) as done:
            result = save()
        if done:
            message = saved(result)
            if message:
                flash(message, "success")
            return redirect(then(result))
    return edit_page(form, **page)


@dataclass(frozen=True)
class Named:
    """How the pages name a kind of record that has a code (messages take ``%(code)s``)."""

    title: str
    new: str
    saved: str
    deleted: str
    #: Endpoint of the delete action, and the URL parameter naming the record.
    delete: str
    param: str

    def form(self, form, record, save: Callable, *, then: Callable, back: str, **extra):
        """The create (``record`` None) or edit page of a record: ``save(form.data, record)``."""
        return edit_record(
            form,
            lambda: save(form.data, record),
            lambda saved: self.saved % {"code": saved.code},
            then=then,
            title=self.title % {"code": record.code} if record else self.new,
            back=back,
            delete_url=url_for(self.delete, **{self.param: record.id}) if record else None,
            **extra,
        )

    def remove(self, remove: Callable, record, *, done: str, refused: str):
        """Delete with ``remove(record)`` (see ``delete_record``)."""
        return delete_record(lambda: remove(record), self.deleted, done=done, refused=refused)


def delete_record(remove: Callable, deleted: str, *, done: str, refused: str):
    """Delete with ``remove()`` and go to ``done``; a refusal is flashed on ``refused``."""
    with attempt() as ok:
        remove()
    if ok:
        flash(deleted, "success")
        return redirect(done)
    return redirect(refused)
