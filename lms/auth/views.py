"""Login, logout, and the admin pages for users and API tokens."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms.auth import services
from lms.auth.decorators import admin_required
from lms.auth.forms import LoginForm, TokenForm, UserForm
from lms.auth.models import ApiToken, User
from lms.extensions import db, limiter

bp = Blueprint("auth", __name__)


@bp.route("/")
def home():
    """Send people to the page that fits their role."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("home.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def login():
    """Log in with email and password; the error never says which one was wrong."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("auth.home")
            return redirect(target)
        form.password.errors.append(_("Correo o contraseña incorrectos."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST, so a link elsewhere cannot log anyone out)."""
    logout_user()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/usuarios")
@admin_required
def users():
    """List staff accounts."""
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("auth/users.html", users=rows)


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
@bp.route("/usuarios/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_form(user_id: int | None = None):
    """Create or edit a staff account."""
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    if user is not None:
        form.email.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            if user is None:
                if not form.password.data:
                    raise services.AuthError(_("Escriba una contraseña."), "password")
                services.create_user(
                    form.email.data, form.name.data, form.role.data, form.password.data
                )
            else:
                services.update_user(
                    user,
                    name=form.name.data,
                    role=form.role.data,
                    active=form.active.data,
                    password=form.password.data or "",
                )
        except services.AuthError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(_("Usuario guardado."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/tokens", methods=["GET", "POST"])
@admin_required
def tokens():
    """List API tokens and create a new one (shown once)."""
    form = TokenForm()
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.name} ({u.email})")
        for u in db.session.scalars(select(User).where(User.active).order_by(User.name))
    ]
    new_token = None
    if form.validate_on_submit():
        user = db.get_or_404(User, form.user_id.data)
        new_token = services.create_token(user, form.name.data)
        db.session.commit()
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, new_token=new_token)


@bp.route("/tokens/<int:token_id>/revocar", methods=["POST"])
@admin_required
def revoke_token(token_id: int):
    """Revoke an API token."""
    token = db.get_or_404(ApiToken, token_id)
    services.revoke_token(token)
    db.session.commit()
    flash(_("Token revocado."), "success")
    return redirect(url_for("auth.tokens"))
