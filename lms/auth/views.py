"""Login, logout, and the admin pages for users and API tokens (rules in blueprint.py)."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from lms.auth import services, sessions
from lms.auth.forms import LoginForm, TokenForm, UserForm
from lms.auth.models import ApiToken, Role, User
from lms.extensions import db
from lms.navigation import pending_work
from lms.web import attempt, get_or_404, loads, local_path, requires

#: Where each role starts its day; the admin's home is the pending work.
ROLE_HOMES = {Role.TRAINER: "offline.today", Role.ANALYST: "indicators.dashboard"}


def home():
    """Send people to the page that fits their role: trainers to today's sessions, analysts
    to the indicators, admins to their pending work (counts from lms.navigation.PENDING)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role in ROLE_HOMES:
        return redirect(url_for(ROLE_HOMES[current_user.role]))
    return render_template("home.html", pending=pending_work())


def login():
    """Log in with email and password; the error never says which one was wrong."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session: nothing from before the login (the CSRF secret included)
            # survives into it.
            session.clear()
            login_user(user)
            sessions.stamp()
            # A trainer's home is the offline app's "Hoy" (its start page when installed).
            home = url_for(ROLE_HOMES.get(user.role, "auth.home"))
            return redirect(local_path(request.args.get("next")) or home)
        form.password.errors.append(_("Correo o contraseña incorrectos."))
    return render_template("auth/login.html", form=form)


@login_required
def logout():
    """Log out everywhere (POST, so a link elsewhere cannot log anyone out)."""
    sessions.end_all(current_user)
    logout_user()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


@requires(Role.ADMIN)
def users():
    """List staff accounts."""
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("auth/users.html", users=rows)


@requires(Role.ADMIN)
@loads("user_id", User, optional=True)
def user_form(user: User | None):
    """Create or edit a staff account."""
    form = UserForm(obj=user)
    if user is not None:
        form.email.render_kw = {"readonly": True}
    if form.validate_on_submit():
        with attempt(form) as done:
            if user is None:
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
        if done:
            flash(_("Usuario guardado."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@requires(Role.ADMIN)
def tokens():
    """List API tokens and create a new one (shown once)."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        with attempt(form):
            new_token = services.create_token(get_or_404(User, form.user_id.data), form.name.data)
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, new_token=new_token)


@requires(Role.ADMIN)
@loads("token_id", ApiToken)
def revoke_token(token: ApiToken):
    """Revoke an API token."""
    services.revoke_token(token)
    flash(_("Token revocado."), "success")
    return redirect(url_for("auth.tokens"))
