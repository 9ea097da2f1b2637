def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Iniciar sesión" in response.get_data(as_text=True)


def test_audit_records_creation(db, admin):
    from sqlalchemy import select

    from lms.audit.models import AuditEntry

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "users"))
    assert entry is not None and entry.action == "create" and entry.entity_id == admin.id
    assert "password_hash" not in entry.changes
