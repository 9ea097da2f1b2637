"""Fixtures for the queue tests: e-mail written to a temporary folder, the queue restored."""

import pytest

from lms import tasks


@pytest.fixture
def mailbox(app, tmp_path, monkeypatch):
    """MAIL_URL pointing at an empty folder; yields the folder."""
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{folder}")
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
