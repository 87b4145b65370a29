"""The demo department pages only read the demo client: a forged Host changes nothing."""

import urllib.parse

import pytest
from oauth2_provider.models import Application

from tongban.core.models import AuditEvent
from tongban.identity.oidc import services

pytestmark = pytest.mark.django_db

LOGIN = "/demo-dept/login/"


def _redirect_uri(response) -> str:
    query = urllib.parse.urlparse(response["Location"]).query
    return urllib.parse.parse_qs(query)["redirect_uri"][0]


def _state():
    return (
        list(Application.objects.values_list("client_id", "redirect_uris")),
        AuditEvent.objects.count(),
    )


def test_login_page_does_not_register_the_client(client, settings):
    settings.SITE_URL = "http://gov.example.cn"
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"].startswith("http://gov.example.cn/o/authorize/")
    assert not Application.objects.exists()
    assert AuditEvent.objects.count() == 0


def test_forged_host_neither_rewrites_the_client_nor_steers_the_flow(client, settings):
    settings.SITE_URL = "http://gov.example.cn"
    settings.ALLOWED_HOSTS = ["*"]
    services.ensure_demo_client()
    before = _state()
    response = client.get(LOGIN, HTTP_HOST="evil.example")
    assert response.status_code == 302
    assert response["Location"].startswith("http://gov.example.cn/o/authorize/")
    assert _redirect_uri(response) == "http://gov.example.cn/demo-dept/callback/"
    assert "evil.example" not in response["Location"]
    assert client.get("/demo-dept/logout/", HTTP_HOST="evil.example")["Location"] == (
        "http://gov.example.cn/demo-dept/"
    )
    assert _state() == before
    assert "evil" not in Application.objects.get().redirect_uris


def test_a_registered_origin_is_used_as_is(client, settings):
    settings.SITE_URL = "http://gov.example.cn"
    services.ensure_demo_client(base_url="http://testserver")  # as a live-server test does
    before = _state()
    response = client.get(LOGIN)
    assert response["Location"].startswith("http://testserver/o/authorize/")
    assert _redirect_uri(response) == "http://testserver/demo-dept/callback/"
    assert _state() == before
