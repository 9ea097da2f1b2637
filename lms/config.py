"""Settings read from the environment, so one build runs anywhere."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("LMS_INSTANCE_PATH", ROOT / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'lms.sqlite3'}")
    # Hosting panels hand out postgres:// URLs; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Production defaults; every value can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    #: Database connections each process keeps: one per gunicorn thread (deploy/ runs 16),
    #: so no thread waits for one and no request opens a new PostgreSQL session.
    DB_POOL_SIZE = int(os.environ.get("LMS_DB_POOL_SIZE", "16"))
    # Errors never carry SQL parameters: they would put personal data in the logs.
    # No pre-ping (a round trip per request); connections are recycled every 30 min
    # instead, and a connection PostgreSQL dropped fails one request and empties the pool.
    # (lms/database.py adds the pool settings for PostgreSQL.)
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    #: Private ES256 keys for certificates; generated on first signing, never committed.
    SIGNING_KEY_DIR = os.environ.get("LMS_SIGNING_KEY_DIR", str(INSTANCE / "keys"))
    #: The LTI tool's private keys (JWK files, rotated with `lms lti-rotate-key`); apart
    #: from the certificate keys so that either can be rotated alone.
    LTI_KEY_DIR = os.environ.get("LMS_LTI_KEY_DIR", str(INSTANCE / "lti-keys"))
    #: Accept LMS URLs over plain http on this machine (127.0.0.1, localhost): a platform
    #: under test. Off in production, where /lti/registro must not reach local services.
    LTI_ALLOW_LOCAL_HTTP = os.environ.get("LMS_LTI_ALLOW_LOCAL_HTTP", "") == "1"
    #: Logo printed on certificates (PNG/JPEG); the bundled one is used when unset.
    CERT_LOGO_PATH = os.environ.get("LMS_CERT_LOGO", "")
    ISSUER_NAME = os.environ.get("LMS_ISSUER_NAME", "Alcaldía de San José de Cúcuta — Oficina TIC")
    #: The issuer's NIT, published in every Open Badges credential (otherIdentifier).
    ISSUER_NIT = os.environ.get("LMS_ISSUER_NIT", "890501434-2")
    #: Rate-limit counters (lms.ratelimit): memory:// counts per process; redis:// shares the counts
    #: between every worker and machine.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: The public cache's shared store (lms.pagecache): unset follows a redis://
    #: RATELIMIT_STORAGE_URI; empty turns the cache off.
    PUBLIC_CACHE_URI = os.environ.get("PUBLIC_CACHE_URI")
    #: Public answers kept per worker process.
    PUBLIC_CACHE_SIZE = int(os.environ.get("PUBLIC_CACHE_SIZE", "8192"))
    #: Number of trusted proxies in front (X-Forwarded-For hops); 0 trusts none.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    #: Task queue storage (lms/tasks.py): sqlite:///…, postgresql://… or redis://….
    TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL", f"sqlite:///{INSTANCE / 'tasks.sqlite3'}")
    #: Queue name inside that storage: installations sharing one Redis need different names.
    TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "lms")
    #: Run tasks in the caller instead of a consumer (tests).
    TASK_QUEUE_IMMEDIATE = False
    #: A task sent or started this long ago without finishing is sent again.
    TASK_STALL_SECONDS = int(os.environ.get("TASK_STALL_SECONDS", "300"))
    #: E-mail backend (Flask-Mailman): "file" writes each message into MAIL_FILE_PATH (the
    #: embedded default); "smtp" sends through MAIL_SERVER, the default once MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp" if "MAIL_SERVER" in os.environ else "file")
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH", str(INSTANCE / "mail"))
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # TLS from the start (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    #: Sender address of outgoing e-mail.
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER",
                                         "Oficina TIC <no-responder@localhost>")
    #: Offline marks against a mark changed on the server meanwhile: "later" (the later
    #: mark by the time it was made wins, the office's rule), "server" or "device".
    OFFLINE_CONFLICT_RULE = os.environ.get("LMS_OFFLINE_CONFLICT_RULE", "later")
    #: Webhook URLs may be http:// (never in production: receivers must use https).
    WEBHOOK_ALLOW_HTTP = os.environ.get("WEBHOOK_ALLOW_HTTP", "") == "1"
    #: Hosts a webhook may reach although they resolve to private or loopback addresses.
    WEBHOOK_ALLOWED_HOSTS = [h for h in os.environ.get("WEBHOOK_ALLOWED_HOSTS", "").split(",")
                             if h.strip()]
    BABEL_DEFAULT_LOCALE = "es_CO"
    #: Catalogs from `pybabel compile -d translations` (see README), at the repository root.
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("LMS_TIMEZONE", "America/Bogota")
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    WTF_CSRF_TIME_LIMIT = None
    #: The signed cookie's own limit; lms.auth.sessions also ends idle sessions after 2 h.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    #: werkzeug's password hash: scrypt at its full cost (N=2**15, 32 MB, ~0.1 s a hash).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    #: SQLite: milliseconds a writer waits for the write lock (then 503 with Retry-After).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "10000"))
    #: Imports (planillas, sites): the first excess stops the reading (lms/tabular).
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
    IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "60"))
    IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "1000"))
    #: Bigger files are imported by a background task (lms/tabular/jobs.py), not the request.
    IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_KB", "2048")) * 1024
    IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "20000"))
    #: A background import commits every this many rows: the longest a writer waits.
    IMPORT_WRITE_CHUNK = int(os.environ.get("IMPORT_WRITE_CHUNK", "500"))
    IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "400")) * 1024 * 1024
    JSON_SORT_KEYS = False


class TestConfig(Config):
    """Settings for the test suite: a throwaway key and no rate limits."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - test-only
    SQLALCHEMY_DATABASE_URI = os.environ.get("LMS_TEST_DB_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    BASE_URL = "http://localhost"
    TASK_QUEUE_IMMEDIATE = True
    LTI_ALLOW_LOCAL_HTTP = True
    #: Kept in memory (flask_mailman's outbox); tests that read mail point it elsewhere.
    MAIL_BACKEND = "locmem"
    WEBHOOK_ALLOW_HTTP = True
    #: scrypt at 1/32 of the cost: the suite hashes hundreds of passwords (logins, accounts).
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name
