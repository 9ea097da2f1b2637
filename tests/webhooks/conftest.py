"""A real HTTP receiver on 127.0.0.1 that records what it gets and answers as told."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lms import tasks
from lms.auth.services import create_token


class Receiver:
    """What arrived (headers, body) and the status codes to answer with, in order."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self.url = ""

    def events(self) -> list[dict]:
        """The JSON bodies received."""
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver(app, monkeypatch):
    """A receiver at http://127.0.0.1:<port>/hook, allowed by WEBHOOK_ALLOWED_HOSTS."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            if state.delay:
                threading.Event().wait(state.delay)
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # Checks for shutdown every 50 ms, not the default 0.5 s that every test waited out.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", ["127.0.0.1"])
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def admin_api(db, admin):
    """Authorization headers of an admin's token."""
    return {"Authorization": f"Bearer {create_token(admin, 'webhooks')}"}


@pytest.fixture
def queued(app, tmp_path):
    """A real (not immediate) queue for this test; the session app's is restored after."""
    tasks.huey.configure(f"sqlite:///{tmp_path / 'queue.sqlite3'}", immediate=False)
    yield tasks.huey
    tasks.init_app(app)
