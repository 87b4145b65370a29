"""Console pages for OIDC clients, the CLI, and machine (client-credentials) tokens."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import include, path
from oauth2_provider.models import AccessToken, Application

from tongban.config.urls import urlpatterns as project_urlpatterns
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import ClientPolicy
from tongban.identity.oidc import errors, services
from tongban.identity.oidc.auth import ClientCredentialsBearer, require_client_scope
from tongban.identity.oidc.secrets import check_client_secret

# The console pages are mounted at console/oidc/ (see the integration notes); this urlconf
# adds them when the project urlconf does not yet.
urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "oidc_console" for p in urlpatterns):
    urlpatterns.insert(0, path("console/oidc/", include("tongban.identity.oidc.urls_console")))

pytestmark = pytest.mark.urls(__name__)


def basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


FORM = {
    "name": "佛山市人社业务系统",
    "kind": "person_sso",
    "confidential": "on",
    "redirect_uris": "https://rs.fs.example.cn/oidc/callback",
    "post_logout_redirect_uris": "",
    "scopes": ["openid", "profile"],
    "description": "",
    "contact": "",
}


# --- console pages ------------------------------------------------------------------------
def test_operator_registers_client_in_console_and_sees_secret_once(client, operator):
    client.force_login(operator)
    assert client.get("/console/oidc/new/").status_code == 200
    response = client.post("/console/oidc/new/", FORM)
    assert response.status_code == 200
    app = Application.objects.get(name="佛山市人社业务系统")
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert check_client_secret(secret, app.client_secret) and secret not in app.client_secret
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(event_type="identity.oidc_client_registered")
    assert event.actor_id == operator.pk and event.data["scopes"] == ["openid", "profile"]
    listing = client.get("/console/oidc/").content.decode()
    assert "佛山市人社业务系统" in listing and secret not in listing
    detail = client.get(f"/console/oidc/{app.client_id}/").content.decode()
    assert secret not in detail


def test_console_refuses_bad_redirect_uri_and_changes_nothing(client, operator):
    client.force_login(operator)
    response = client.post("/console/oidc/new/", FORM | {"redirect_uris": "not-a-url"})
    assert response.status_code == 200
    assert "回调地址无效" in response.content.decode()
    assert not Application.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("page", ["", "new/"])
def test_citizen_cannot_open_console_client_pages(client, outsider, page):
    client.force_login(outsider)
    assert client.get(f"/console/oidc/{page}").status_code == 403
    assert client.post("/console/oidc/new/", FORM).status_code == 403
    assert not Application.objects.exists()


def test_clerk_cannot_edit_or_rotate_a_client(client, clerk, operator):
    app, secret = services.register_client(
        actor=operator, name="系统", redirect_uris=["https://a.example.cn/cb"]
    )
    client.force_login(clerk)
    assert client.get(f"/console/oidc/{app.client_id}/").status_code == 403
    assert client.post(f"/console/oidc/{app.client_id}/rotate-secret/").status_code == 403
    app.refresh_from_db()
    assert check_client_secret(secret, app.client_secret)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/console/oidc/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_operator_updates_policy_and_rotates_secret(client, operator):
    app, old_secret = services.register_client(
        actor=operator, name="系统", redirect_uris=["https://a.example.cn/cb"]
    )
    client.force_login(operator)
    response = client.post(
        f"/console/oidc/{app.client_id}/",
        {
            "name": "系统",
            "redirect_uris": "https://a.example.cn/cb",
            "post_logout_redirect_uris": "",
            "scopes": ["openid", "phone"],
            "require_otp": "on",
            "status": "active",
        },
    )
    assert response.status_code == 302
    policy = ClientPolicy.objects.get(application=app)
    assert policy.allowed_scopes == ["openid", "phone"] and policy.require_otp
    event = AuditEvent.objects.get(event_type="identity.oidc_client_updated")
    assert (
        event.data["new"]["scopes"] == ["openid", "phone"]
        and event.data["old"]["require_otp"] is False
    )
    response = client.post(f"/console/oidc/{app.client_id}/rotate-secret/")
    new_secret = response.context["secret"]
    app.refresh_from_db()
    assert check_client_secret(new_secret, app.client_secret)
    assert not check_client_secret(old_secret, app.client_secret)


# --- services: bad input --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"scopes": ["openid", "nope"]}, errors.UNKNOWN_SCOPE),
        ({"scopes": ["profile"]}, errors.OPENID_REQUIRED),
        ({"scopes": ["openid", "registries:read"]}, errors.SCOPE_NOT_FOR_GRANT),
        ({"redirect_uris": []}, errors.MISSING_REDIRECT_URI),
        ({"redirect_uris": ["https://a.example.cn/cb#frag"]}, errors.INVALID_REDIRECT_URI),
        ({"name": " "}, errors.INVALID_NAME),
    ],
)
def test_register_client_rejects_bad_input(operator, kwargs, code):
    args = {
        "actor": operator,
        "name": "系统",
        "redirect_uris": ["https://a.example.cn/cb"],
        "scopes": ["openid"],
    } | kwargs
    with pytest.raises(DomainError) as excinfo:
        services.register_client(**args)
    assert excinfo.value.code == code
    assert not Application.objects.exists() and not AuditEvent.objects.exists()


def test_only_operators_register_clients(clerk):
    with pytest.raises(DomainError) as excinfo:
        services.register_client(
            actor=clerk, name="系统", redirect_uris=["https://a.example.cn/cb"]
        )
    assert excinfo.value.code == errors.NOT_OPERATOR and excinfo.value.status == 403
    assert not Application.objects.exists()


def test_demo_client_is_idempotent(db):
    first = services.ensure_demo_client(base_url="http://127.0.0.1:8000")
    again = services.ensure_demo_client(base_url="http://127.0.0.1:8000")
    assert first.pk == again.pk and Application.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="identity.oidc_client_registered").count() == 1
    assert check_client_secret(services.demo_client_secret(), again.client_secret)
    other = services.ensure_demo_client(base_url="http://localhost:9000")
    assert "http://localhost:9000/demo-dept/callback/" in other.redirect_uris.split()


# --- CLI ------------------------------------------------------------------------------------
def test_cli_creates_and_lists_clients(db):
    out = StringIO()
    call_command(
        "oidc",
        "create-client",
        "--name",
        "省政务服务网",
        "--redirect-uri",
        "https://www.gdzwfw.example.cn/cb",
        "--scopes",
        "openid profile",
        stdout=out,
        stderr=StringIO(),
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    app = Application.objects.get(client_id=lines["client_id"])
    assert check_client_secret(lines["client_secret"], app.client_secret)
    assert app.policy.allowed_scopes == ["openid", "profile"]
    assert (
        AuditEvent.objects.get(event_type="identity.oidc_client_registered").actor_name == "system"
    )

    out = StringIO()
    call_command(
        "oidc",
        "create-client",
        "--name",
        "人口库同步",
        "--grant",
        "client-credentials",
        "--scopes",
        "registries:read",
        stdout=out,
        stderr=StringIO(),
    )
    listing = StringIO()
    call_command("oidc", "list-clients", stdout=listing)
    assert "省政务服务网" in listing.getvalue() and "registries:read" in listing.getvalue()


def test_cli_reports_bad_input_and_creates_nothing(db):
    with pytest.raises(CommandError, match=errors.UNKNOWN_SCOPE):
        call_command(
            "oidc",
            "create-client",
            "--name",
            "x",
            "--redirect-uri",
            "https://a.example.cn/cb",
            "--scopes",
            "openid everything",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not Application.objects.exists()


# --- machine clients: client credentials -------------------------------------------------
@pytest.fixture
def machine(operator):
    return services.register_client(
        actor=operator,
        name="市场监管数据同步",
        kind="machine",
        scopes=["codes:validate", "registries:read"],
    )


def grant(client, app, secret, scope=None):
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=basic(app.client_id, secret))


def bearer_request(token):
    return RequestFactory().get("/api/v1/x", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_client_credentials_token_accepted_by_api_auth(client, machine):
    app, secret = machine
    response = grant(client, app, secret, "codes:validate")
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert response.json()["scope"] == "codes:validate"
    assert require_client_scope(bearer_request(token), "codes:validate") == app
    auth = ClientCredentialsBearer(scopes=["codes:validate"])
    assert auth(bearer_request(token)) == app
    with pytest.raises(DomainError) as excinfo:
        ClientCredentialsBearer(scopes=["registries:read"])(bearer_request(token))
    assert excinfo.value.code == errors.INSUFFICIENT_SCOPE and excinfo.value.status == 403


def test_default_scope_of_machine_client_is_its_approved_set(client, machine):
    app, secret = machine
    body = grant(client, app, secret).json()
    assert set(body["scope"].split()) == {"codes:validate", "registries:read"}


def test_machine_client_cannot_get_unapproved_scope(client, machine):
    app, secret = machine
    response = grant(client, app, secret, "codes:validate introspection")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.exists()


def test_api_auth_rejects_missing_expired_and_person_tokens(client, machine, citizen):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(DomainError) as excinfo:
        require_client_scope(RequestFactory().get("/x"), "codes:validate")
    assert excinfo.value.code == errors.TOKEN_MISSING and excinfo.value.status == 401
    with pytest.raises(DomainError) as excinfo:
        require_client_scope(bearer_request("made-up"), "codes:validate")
    assert excinfo.value.code == errors.TOKEN_INVALID

    app, secret = machine
    token = grant(client, app, secret).json()["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as excinfo:
        require_client_scope(bearer_request(token), "codes:validate")
    assert excinfo.value.code == errors.TOKEN_INVALID

    AccessToken.objects.update(expires=timezone.now() + timedelta(hours=1), user=citizen)
    with pytest.raises(DomainError) as excinfo:
        require_client_scope(bearer_request(token), "codes:validate")
    assert excinfo.value.code == errors.NOT_MACHINE_TOKEN


def test_machine_client_cannot_use_authorization_code(client, machine, citizen):
    app, _ = machine
    client.force_login(citizen)
    response = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "scope": "codes:validate",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


# --- settings: development signing key ---------------------------------------------------
def test_development_key_is_generated_once_and_kept(tmp_path):
    from tongban.config.oidc import ensure_development_key

    path = tmp_path / "oidc-rsa.pem"
    first = ensure_development_key(path)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert path.stat().st_mode & 0o777 == 0o600
    assert ensure_development_key(path) == first
