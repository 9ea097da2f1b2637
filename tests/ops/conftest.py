"""Fixtures for the queue tests: e-mail written to a temporary folder, the queue restored."""

import pytest

from lms import tasks


def mail_to_folder(monkeypatch, config, folder) -> None:
    """Deliver e-mail as files into ``folder`` (the embedded default's backend)."""
    monkeypatch.setitem(config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(config, "MAIL_FILE_PATH", str(folder))


def mail_to_nobody(monkeypatch, config) -> None:
    """Deliver e-mail by SMTP to a port where nobody listens."""
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1,
                       "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(config, key, value)


@pytest.fixture
def mailbox(app, tmp_path, monkeypatch):
    """E-mail written into an empty folder (created on the first message); yields it."""
    folder = tmp_path / "mail"
    mail_to_folder(monkeypatch, app.config, folder)
    return folder


@pytest.fixture
def own_queue(app):
    """For tests that configure the queue for another app: give it back to the session app."""
    yield
    tasks.init_app(app)


def run_due_retries(limit=20):
    """Run Huey's scheduled retries now, as a consumer would once their time comes."""
    from datetime import datetime, timedelta

    later = datetime.now() + timedelta(days=30)
    for _ in range(limit):
        due = tasks.huey.read_schedule(later)
        if not due:
            return
        for task in due:
            tasks.huey.execute(task, timestamp=later)
