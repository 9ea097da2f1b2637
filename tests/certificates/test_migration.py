"""Migration 0004 gives documents issued before it an OB subject id and a random status bit."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms.certificates.statuslist import SIZE
from tests.certificates.conftest import completed_enrollment, standalone_app


def test_existing_documents_get_a_subject_and_a_random_index(tmp_path):
    from lms.certificates.issue import issue_for
    from lms.extensions import db

    with standalone_app(tmp_path, tables=False) as app, app.app_context():
        upgrade()
        for _ in range(3):
            issue_for(completed_enrollment())
        db.session.commit()
        db.session.close()  # the migrations take the database's write lock
        downgrade(revision="0003")
        columns = {row[1] for row in db.session.execute(text("PRAGMA table_info(certificates)"))}
        assert "status_index" not in columns and "subject_id" not in columns
        db.session.close()
        upgrade()
        rows = db.session.execute(text("SELECT subject_id, status_index FROM certificates")).all()
        assert len(rows) == 3
        assert all(subject.startswith("urn:uuid:") for subject, _ in rows)
        indexes = [index for _, index in rows]
        assert len(set(indexes)) == 3 and all(0 <= i < SIZE for i in indexes)
        assert len({subject for subject, _ in rows}) == 3
