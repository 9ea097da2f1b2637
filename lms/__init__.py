"""Digital-literacy training service: the application factory."""

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import formatting, log, mail, navigation, pagecache, ratelimit, security, tasks, web
from lms.config import INSTANCE, Config

BLUEPRINTS = (
    "lms.auth.blueprint",
    "lms.audit.blueprint",
    "lms.ops.blueprint",
    "lms.people.blueprint",
    "lms.courses.blueprint",
    "lms.attendance.blueprint",
    "lms.attendance.offline_blueprint",
    "lms.certificates.blueprint",
    "lms.indicators.blueprint",
    "lms.webhooks.blueprint",
    "lms.api",
    "lms.lti.blueprint",
    "lms.api.docs",
)

#: Modules that answer lower domains' hooks and registries (a person's rights, what keeps
#: an enrollment or a session from being deleted): loaded at start, so a command, a task
#: and a request all see the same ones.
HOOKS = (
    "lms.courses.rights",
    "lms.attendance.rights",
    "lms.certificates.rights",
    "lms.certificates.notify",
    "lms.lti.grades",
    "lms.webhooks.events",
    "lms.indicators.events",
)


def create_app(config: type | dict | None = None) -> Flask:
    """Build the app; ``config`` is a settings class or a dict of overrides."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    instance.chmod(0o700)  # secret key, signing keys and the SQLite file live here
    log.install(app)
    _ensure_secret_key(app)
    register_extensions(app)
    register_hooks()
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    navigation.register(app)
    formatting.register(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    # A stable key survives restarts without asking a new installation to set one.
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def register_extensions(app: Flask) -> None:
    """Bind the extension objects and the per-request hooks they need."""
    from lms import database, models  # noqa: F401 - the whole schema
    from lms.audit import services as _audit  # noqa: F401 - installs the flush hooks
    from lms.auth import services as auth_services
    from lms.extensions import babel, bootstrap, csrf, db, login_manager, migrate

    database.pool_options(app)
    db.init_app(app)
    database.configure(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    # No login sets a remember-me cookie (auth.views): Flask-Login's hook that refreshes one
    # after every response, reading the session of every public request, has nothing to do.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    auth_services.configure_login(login_manager)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=formatting.preferred_language)
    _languages(app)
    bootstrap.init_app(app)
    ratelimit.init_app(app)
    pagecache.init_app(app)
    tasks.init_app(app)
    mail.init_app(app)
    web.install(app)
    security.install(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        # Behind N trusted proxies the client is the Nth address from the right of
        # X-Forwarded-For: rate limits count citizens, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])


def _languages(app: Flask) -> None:
    # The catalogs are read at start (see README). The templates are written in es-CO:
    # with no catalog compiled there is nothing to translate, so templates and lazy labels
    # skip Flask-Babel's per-call locale and catalog lookup (a quarter of a public page's
    # time, bench/load.py); a compiled catalog brings it back.
    from lms.extensions import babel

    folders = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "").split(";")
    compiled = any(next(Path(f).glob("*/LC_MESSAGES/*.mo"), None) for f in folders if f)
    with app.app_context():
        found = [str(x) for x in babel.list_translations()] if compiled else []
        config = app.extensions["babel"]
        config.domain_instance = formatting.SourceTextDomain(domain=config.default_domain)
    app.extensions[formatting.LANGUAGES] = found
    if compiled:
        return
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: text,
        ngettext=lambda singular, plural, n: singular if n == 1 else plural,
        pgettext=lambda _context, text: text,
        npgettext=lambda _context, singular, plural, n: singular if n == 1 else plural,
        newstyle=True,
    )
    # The same answers without the i18n extension's two dispatches per call, and plain
    # texts (most of them) as constants compiled into the templates.
    app.jinja_env.globals.update(_=formatting.source_gettext, gettext=formatting.source_gettext,
                                 ngettext=formatting.source_ngettext)
    app.jinja_env.add_extension(formatting.SourceText)


def register_hooks() -> None:
    """Import the modules that fill the domains' registries (see HOOKS)."""
    from importlib import import_module

    for name in HOOKS:
        import_module(name)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per domain."""
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages for browsers, JSON errors under /api/."""
    from lms import errors

    errors.register(app)


def register_cli(app: Flask) -> None:
    """Attach the ``lms`` command group."""
    from lms.cli import lms_group

    app.cli.add_command(lms_group)
