import pytest

from tests import factories


@pytest.fixture
def group(db, trainer):
    """A cohort of the 20-hour course (16 h to complete) with its trainer and 5 sessions of 4 h."""
    cohort = factories.cohort(trainers=[trainer])
    sessions = [
        factories.session(cohort, day=cohort.start_date.replace(day=d), hours="4")
        for d in (1, 2, 3, 4, 5)
    ]
    people = [factories.enrollment(cohort) for _ in range(3)]
    # Committed (to the test's outer transaction) so a view's rollback keeps the data.
    db.session.commit()
    return {"cohort": cohort, "sessions": sessions, "enrollments": people, "trainer": trainer}


@pytest.fixture
def login(login):
    """Log in, forgetting the user Flask-Login cached on ``g`` (shared within a test)."""
    from flask import g

    def _login(user):
        g.pop("_login_user", None)
        return login(user)

    return _login
