from tongban.core import audit
from tongban.core.models import AuditEvent


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.json()["checks"]["database"]["ok"] is True


def test_openapi_document_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"].startswith("Tongban")


def test_personas_have_roles_in_their_city(clerk, other_city_clerk):
    assert clerk.role_assignments.get().org_unit.parent.name == "广州市"
    assert other_city_clerk.role_assignments.get().org_unit.parent.name == "深圳市"


def test_audit_record_chains_events(citizen, django_db_blocker):
    from django.db import transaction

    with transaction.atomic():
        first = audit.record("core.test_done", actor=citizen, target=citizen)
        second = audit.record("core.test_done", actor=citizen)
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.count() == 2
