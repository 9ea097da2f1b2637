"""Admin page: who signs the documents issued from now on (URL in blueprint.py)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import Role
from lms.certificates import signers
from lms.certificates.forms import SignerForm
from lms.certificates.models import Signer
from lms.extensions import db
from lms.web import attempt, requires


@requires(Role.ADMIN)
def signer():
    """Show the current signer and set a new one (name, title, signature image)."""
    current = signers.current()
    form = SignerForm(data={"name": current.name, "title": current.title} if current else None)
    if form.validate_on_submit():
        upload = form.image.data.read(signers.MAX_BYTES + 1) if form.image.data else None
        with attempt(form) as done:
            signers.set_signer(form.name.data, form.title.data, upload, current_user.id)
        if done:
            flash(_("Los documentos que se emitan desde ahora llevarán esta firma."), "success")
            return redirect(url_for(".signer"))
    history = db.session.execute(
        select(Signer.name, Signer.title, Signer.created_at, Signer.image.is_not(None))
        .order_by(Signer.id.desc()).limit(10)).all()
    status = 422 if form.errors else 200
    return render_template("certificates/signer.html", form=form, current=current,
                           history=history, default_title=signers.DEFAULT_TITLE), status
