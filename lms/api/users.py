"""API resources: staff accounts and API tokens (admins only), as the admin pages.

The same services (``auth.services``): the password rule, one account per e-mail,
deactivating revokes the account's tokens and ends its sessions (so reactivating revives
neither), a token is made only for an active account, shown once and stored hashed.
"""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.api import bp
from lms.api.conventions import int_arg, paginated
from lms.api.core import json_body, validated
from lms.api.openapi import doc, query
from lms.api.serialize import BOOL, Shape, page_schema
from lms.auth import services
from lms.auth.forms import TokenForm, UserForm
from lms.auth.models import ROLES, ApiToken, Role, User
from lms.errors import ValidationError
from lms.extensions import db
from lms.web import loads, requires

USER = Shape(User, "id email name role active created_at")
TOKEN = Shape(ApiToken, "id user_id name prefix created_at revoked_at",
              active=(BOOL, lambda t: t.revoked_at is None and t.user.active))
NEW_TOKEN = {**TOKEN.schema, "required": ["token"],
             "properties": {**TOKEN.schema["properties"],
                            "token": {"type": "string", "pattern": "^lms_",
                                      "description": "Se muestra solo en esta respuesta."}}}
USERS, TOKENS = ("users",), ("tokens",)
USER_EXAMPLE = {"id": 4, "email": "formadora@example.org", "name": "Laura Díaz",
                "role": "trainer", "active": True, "created_at": "2026-01-15T13:00:00Z"}
TOKEN_EXAMPLE = {"id": 9, "user_id": 4, "name": "Moodle", "prefix": "lms_Xy12ab",
                 "created_at": "2026-01-15T13:05:00Z", "revoked_at": None, "active": True}
WEAK = ("La contraseña debe tener al menos 12 caracteres.", "password")
INACTIVE = ("El usuario está inactivo; actívelo antes de crearle un token.", "user_id")


class UserChanges(UserForm):
    """PATCH body: the account form without the e-mail, which is the login name and stays."""

    email = None


def _role_filter(query, column):
    role = request.args.get("role")
    if role is not None and role not in ROLES:
        raise ValidationError(_("Elija uno de: %(roles)s.", roles=', '.join(ROLES)), "role")
    return query.where(column == role) if role is not None else query


@bp.get("/users")
@doc("Listar cuentas del personal (admin)", response=page_schema(USER.schema), tags=USERS,
     params=(query("role", {"type": "string", "enum": list(ROLES)}, "Rol."),
             query("active", {"type": "boolean"}, "Solo activas (true) o inactivas (false).")),
     example={"items": [USER_EXAMPLE], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN)
def users_list():
    """Staff accounts by name, filtered by role and whether they are active."""
    query = _role_filter(select(User).order_by(User.name, User.id), User.role)
    active = request.args.get("active")
    if active is not None and active not in ("true", "false"):
        raise ValidationError(_("Debe ser true o false."), "active")
    if active is not None:
        query = query.where(User.active.is_(active == "true"))
    return jsonify(paginated(query, USER.dump))


@bp.post("/users")
@doc("Crear una cuenta (admin); la contraseña cumple la regla de las páginas", body=UserForm,
     response=USER.schema, status=201, tags=USERS, example=USER_EXAMPLE,
     body_example={"email": "formadora@example.org", "name": "Laura Díaz", "role": "trainer",
                   "password": "faro naranja del puente 27"},
     errors={409: (services.DUPLICATE_EMAIL, "email"),
             422: [(services.DUPLICATE_EMAIL, "email"), WEAK,
                   ("Escriba una contraseña.", "password")]})
@requires(Role.ADMIN)
def users_create():
    """Create a staff account (active unless ``active`` is false)."""
    form = validated(UserForm, json_body(active=True))
    user = services.create_user(form.email.data, form.name.data, form.role.data,
                                form.password.data or "")
    if not form.active.data:
        services.update_user(user, name=user.name, role=user.role, active=False)
    db.session.flush()
    location = url_for("api.users_get", user_id=user.id)
    return jsonify(USER.dump(user)), 201, {"Location": location}


@bp.get("/users/<int:user_id>")
@doc("Ver una cuenta (admin)", response=USER.schema, tags=USERS, example=USER_EXAMPLE)
@requires(Role.ADMIN)
@loads("user_id", User)
def users_get(user: User):
    """One staff account (never its password)."""
    return jsonify(USER.dump(user))


@bp.patch("/users/<int:user_id>")
@doc("Cambiar nombre, rol, estado o contraseña de una cuenta (admin); desactivarla revoca "
     "sus tokens y cierra sus sesiones; el correo no cambia", body=UserChanges,
     response=USER.schema, tags=USERS, example=USER_EXAMPLE,
     body_example={"role": "analyst", "active": True}, errors={422: [WEAK]})
@requires(Role.ADMIN)
@loads("user_id", User)
def users_update(user: User):
    """Change some fields; those left out keep their values (an omitted password stays)."""
    form = validated(UserChanges, obj=user)
    services.update_user(user, name=form.name.data, role=form.role.data,
                         active=form.active.data, password=form.password.data or "")
    return jsonify(USER.dump(user))


@bp.delete("/users/<int:user_id>")
@doc("Desactivar una cuenta (admin): revoca sus tokens y cierra sus sesiones; se conserva "
     "para la auditoría", response=USER.schema, tags=USERS,
     example={**USER_EXAMPLE, "active": False})
@requires(Role.ADMIN)
@loads("user_id", User)
def users_delete(user: User):
    """Deactivate the account (rows stay: the audit trail names them)."""
    services.update_user(user, name=user.name, role=user.role, active=False)
    return jsonify(USER.dump(user))


@bp.get("/tokens")
@doc("Listar tokens de API, sin su valor (admin)", response=page_schema(TOKEN.schema),
     tags=TOKENS, params=(query("user_id", description="Solo los de esta cuenta."),),
     example={"items": [TOKEN_EXAMPLE], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN)
def tokens_list():
    """API tokens, newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    user_id = int_arg("user_id")
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return jsonify(paginated(query, TOKEN.dump))


@bp.post("/tokens")
@doc("Crear un token de API para una cuenta activa (admin); el token se muestra solo aquí y "
     "se guarda cifrado (SHA-256)", body=TokenForm, response=NEW_TOKEN, status=201,
     tags=TOKENS, body_example={"user_id": 4, "name": "Moodle"},
     example={**TOKEN_EXAMPLE, "token": "lms_Xy12abCdEf…"},
     errors={422: [INACTIVE, ("El usuario no existe.", "user_id")]})
@requires(Role.ADMIN)
def tokens_create():
    """Create a token for an active account; the clear value is in this answer only."""
    form = validated(TokenForm)
    user = db.session.get(User, form.user_id.data)
    if user is None:
        raise ValidationError(_("El usuario no existe."), "user_id")
    row, token = services.issue_token(user, form.name.data)
    location = url_for("api.tokens_get", token_id=row.id)
    return jsonify(TOKEN.dump(row) | {"token": token}), 201, {"Location": location}


@bp.get("/tokens/<int:token_id>")
@doc("Ver un token de API, sin su valor (admin)", response=TOKEN.schema, tags=TOKENS,
     example=TOKEN_EXAMPLE)
@requires(Role.ADMIN)
@loads("token_id", ApiToken)
def tokens_get(token: ApiToken):
    """One token: its name, prefix and state."""
    return jsonify(TOKEN.dump(token))


@bp.delete("/tokens/<int:token_id>")
@doc("Revocar un token de API (admin); se conserva para la auditoría", response=TOKEN.schema,
     tags=TOKENS, example={**TOKEN_EXAMPLE, "revoked_at": "2026-02-01T10:00:00Z",
                           "active": False})
@requires(Role.ADMIN)
@loads("token_id", ApiToken)
def tokens_delete(token: ApiToken):
    """Stop the token from working, now."""
    services.revoke_token(token)
    return jsonify(TOKEN.dump(token))

