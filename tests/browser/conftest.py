"""Browser fixtures: the app served on localhost from a real (committed) database,
headless Debian Chromium through Playwright, and an axe-core check."""

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from sqlalchemy import select, text
from werkzeug.serving import make_server

from lms.auth.models import User
from lms.auth.sessions import sign_in
from lms.extensions import db as _db

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
#: The app each running live server serves, by base URL (for ``enter_as``).
_SERVED: dict = {}


def _truncate_all(app) -> None:
    with app.app_context():
        tables = [t for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def live_app(app):
    """The session app, with CSRF on, against an empty database; wiped afterwards."""
    _truncate_all(app)
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False
    _truncate_all(app)


@pytest.fixture
def live_server(live_app):
    """Serve the app on a free localhost port; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    # Checks for shutdown every 50 ms, not the default 0.5 s that every test waited out.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = base
    _SERVED[base] = live_app
    yield base
    del _SERVED[base]
    server.shutdown()
    thread.join()
    live_app.config["BASE_URL"] = "http://localhost"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page."""
    context = browser.new_context(locale="es-CO", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser):
    """A fresh phone-sized page with touch."""
    context = browser.new_context(locale="es-CO", viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


_axe = Axe()
#: WCAG 2.1 AA rules only; axe returns full detail for violations alone (all the check reads).
_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


DESKTOP_WIDTH = 1366
# The page's scroll width, the window's width, and the innermost elements sticking out.
_OVERFLOW_JS = """() => {
  const inner = window.innerWidth;
  const clipped = el => {
    for (let p = el.parentElement; p; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > inner + 0.5 && !clipped(el))
    .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > inner + 0.5))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
         + (typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return [document.documentElement.scrollWidth, inner, wide];
}"""


def _axe_violations(page) -> list[str]:
    """Serious or critical axe-core violations (WCAG 2.1 AA) on the page (or frame) as it is now."""
    # axe-core (570 kB) is injected once per document, not before every run.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    response = page.evaluate("options => axe.run(document, options)", _AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    """Fail on any serious or critical axe-core violation at a 390-px phone width and a
    1366-px desktop width, and on a whole-page horizontal scroll at 390 px (tables must
    stack or scroll inside their own region, so no button leaves the screen)."""
    # Measure the finished page: colours read before the stylesheets apply are not its own,
    # nor those of a button caught halfway through its colour transition (Bootstrap drops
    # transitions for people who ask for reduced motion).
    page.emulate_media(reduced_motion="reduce")
    page.wait_for_load_state("load")
    original = page.viewport_size
    bad = []
    try:
        for width in (PHONE["width"], DESKTOP_WIDTH):
            page.set_viewport_size({"width": width, "height": original["height"]})
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            if width == PHONE["width"]:
                scroll, inner, wide = page.evaluate(_OVERFLOW_JS)
                if scroll > inner:
                    bad.append(f"horizontal scroll at {width} px: scrollWidth {scroll}"
                               f" > innerWidth {inner}; too wide: {wide}")
            bad += [f"[{width} px] {v}" for v in _axe_violations(page)]
    finally:
        page.set_viewport_size(original)
    assert not bad, f"axe on {page.url}:\n" + "\n".join(bad)


def make_user(app, role="admin", email=None, password="clave-de-prueba-123", name=None):
    """Create and commit a user in the live database."""
    from lms.auth.services import create_user

    with app.app_context():
        user = create_user(email or f"{role}@example.org", name or role.title(), role, password)
        _db.session.commit()
        return user.id


def log_in(page, base, email, password="clave-de-prueba-123"):
    """Log in through the login form."""
    page.goto(base + "/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(lambda url: "/login" not in url)


def enter_as(page, base, email):
    """Open ``base`` as ``email``, already logged in: the signed session cookie a login
    leaves (``sign_in``, as the test clients use), then "/", which sends each role to its
    home as the login does. Skips only the form, which test_login.py goes through."""
    app = _SERVED[base]
    with app.app_context():
        ident = _db.session.scalar(select(User).where(User.email == email)).get_id()
    store: dict = {}
    sign_in(store, ident)
    value = app.session_interface.get_signing_serializer(app).dumps(store)
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": value,
                               "url": base, "httpOnly": True, "sameSite": "Lax"}])
    page.goto(base + "/")


def go_to(page, group, entry):
    """Open an entry of the main menu's drop-down ``group`` (Formación, Administración)."""
    menu = page.get_by_role("navigation", name="Menú principal")
    menu.get_by_role("button", name=group).click()
    menu.get_by_role("link", name=entry, exact=True).click()


def pytest_collection_modifyitems(items):
    """Refuse a browser test without the ``browser`` marker, so ``-m`` selections stay true."""
    unmarked = [
        item.nodeid
        for item in items
        if item.nodeid.startswith("tests/browser/") and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(f"browser tests without @pytest.mark.browser: {unmarked}")
