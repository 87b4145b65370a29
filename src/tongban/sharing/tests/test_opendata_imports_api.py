"""Department systems upload dataset versions through /api/v1/opendata/ with
client-credentials tokens (scope ``sharing:datasets``)."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.models import AuditEvent
from tongban.sharing.models import DatasetVersion, ImportJob
from tongban.sharing.services import datasets
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
)

pytestmark = pytest.mark.django_db


def _system(client, operator, org_unit, scopes=("sharing:datasets",)):
    from tongban.identity.oidc import services

    app, secret = services.register_client(
        actor=operator,
        name="市场监管数据系统",
        kind="machine",
        scopes=list(scopes),
        org_unit=org_unit,
    )
    basic = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    response = client.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return app, {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}


def _upload(client, code, headers, content, name="药店.csv"):
    return client.post(
        f"/api/v1/opendata/resources/{code}/imports",
        {"file": SimpleUploadedFile(name, content), "note": "每日同步"},
        **headers,
    )


@pytest.fixture
def resource(gz_market_dept):
    return make_resource(gz_market_dept)


def test_a_department_system_uploads_a_version(
    client, operator, gz_market_dept, resource, django_capture_on_commit_callbacks
):
    app, headers = _system(client, operator, gz_market_dept)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, resource.code, headers, csv_bytes(pharmacy_rows(4)))
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/opendata/imports/{job_id}", **headers).json()
    assert body["status"] == "accepted" and body["version"] == 1 and body["rows_read"] == 4
    assert datasets.current_version(resource).note == "每日同步"
    started = AuditEvent.objects.get(event_type="sharing.dataset_import_started")
    assert started.actor_name == f"system:{app.client_id}"
    assert (
        AuditEvent.objects.get(event_type="sharing.dataset_imported").actor_name
        == started.actor_name
    )


def test_rejected_rows_are_reported_to_the_system(
    client, operator, gz_market_dept, resource, django_capture_on_commit_callbacks
):
    _app, headers = _system(client, operator, gz_market_dept)
    rows = pharmacy_rows(2)
    rows[1][6] = "明天"
    with django_capture_on_commit_callbacks(execute=True):
        job_id = _upload(client, resource.code, headers, csv_bytes(rows)).json()["id"]
    body = client.get(f"/api/v1/opendata/imports/{job_id}", **headers).json()
    assert body["status"] == "rejected" and body["error_code"] == "rows_rejected"
    assert body["rejections"][0]["line"] == 3 and "许可日期" in body["rejections"][0]["reasons"][0]
    assert datasets.current_version(resource) is None


def test_bad_files_and_outsiders_change_nothing(
    client, operator, gz_market_dept, sz_market_dept, resource
):
    _app, headers = _system(client, operator, gz_market_dept)
    response = _upload(client, resource.code, headers, b"%PDF-1.4", name="x.pdf")
    assert response.status_code == 400 and response.json()["code"] == "unsupported_file_type"

    _app, other = _system(client, operator, sz_market_dept)
    response = _upload(client, resource.code, other, csv_bytes(pharmacy_rows(1)))
    assert response.status_code == 404 and response.json()["code"] == "resource_not_found"

    _app, no_scope = _system(client, operator, gz_market_dept, scopes=("codes:validate",))
    response = _upload(client, resource.code, no_scope, csv_bytes(pharmacy_rows(1)))
    assert response.status_code == 403

    response = _upload(client, resource.code, {}, csv_bytes(pharmacy_rows(1)))
    assert response.status_code == 401
    assert not ImportJob.objects.exists() and not DatasetVersion.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="sharing.").exists()


def test_other_units_cannot_read_a_job(client, operator, gz_market_dept, sz_market_dept, resource):
    _app, headers = _system(client, operator, gz_market_dept)
    job_id = _upload(client, resource.code, headers, csv_bytes(pharmacy_rows(1))).json()["id"]
    _app, other = _system(client, operator, sz_market_dept)
    response = client.get(f"/api/v1/opendata/imports/{job_id}", **other)
    assert response.status_code == 404 and response.json()["code"] == "import_not_found"
