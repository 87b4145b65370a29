"""OIDC provider through Django's test client: consent, tokens, claims, bad input."""

import base64
import hashlib
import json
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from jwcrypto import jwk, jwt
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from tongban.core.models import AuditEvent
from tongban.identity.models import ClientPolicy, OidcConsent
from tongban.identity.oidc import services
from tongban.identity.oidc.claims import pairwise_subject

REDIRECT_A = "https://dept-a.example.cn/oidc/callback"
REDIRECT_B = "https://dept-b.example.cn/oidc/callback"
PERSON_SCOPES = ["openid", "profile", "phone", "realname"]


# --- helpers -------------------------------------------------------------------------------
def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


def basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def register(
    operator, name="广州市市场监管业务系统", redirect=REDIRECT_A, scopes=PERSON_SCOPES, **kw
):
    return services.register_client(
        actor=operator,
        name=name,
        redirect_uris=[redirect],
        post_logout_redirect_uris=[redirect.replace("callback", "bye")],
        scopes=scopes,
        **kw,
    )


def authorize_params(
    app, challenge, scope="openid profile phone realname", redirect=REDIRECT_A, **extra
):
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect,
        "scope": scope,
        "state": "st-123",
        "nonce": "n-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return params


def consent_and_get_code(
    client, app, challenge, scope="openid profile phone realname", redirect=REDIRECT_A
):
    params = authorize_params(app, challenge, scope=scope, redirect=redirect)
    page = client.get("/o/authorize/", params)
    if page.status_code == 200:
        post = {k: v for k, v in params.items()}
        post["allow"] = "on"
        response = client.post("/o/authorize/", post)
    else:
        response = page
    assert response.status_code == 302, getattr(response, "content", b"")[:500]
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["state"] == ["st-123"]
    return query["code"][0]


def exchange(client, app, secret, code, verifier, redirect=REDIRECT_A):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=basic(app.client_id, secret),
    )


def full_login(client, app, secret, scope="openid profile phone realname", redirect=REDIRECT_A):
    verifier, challenge = pkce_pair()
    code = consent_and_get_code(client, app, challenge, scope=scope, redirect=redirect)
    response = exchange(client, app, secret, code, verifier, redirect=redirect)
    assert response.status_code == 200, response.content
    return response.json()


def id_token_claims(client, token):
    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content.decode())
    return json.loads(jwt.JWT(jwt=token, key=keys, algs=["RS256"]).claims)


@pytest.fixture
def dept_a(operator):
    return register(operator)


@pytest.fixture
def dept_b(operator):
    return register(operator, name="深圳市市场监管业务系统", redirect=REDIRECT_B)


# --- discovery -------------------------------------------------------------------------
def test_discovery_advertises_pairwise_rs256_pkce_and_logout(client, db):
    meta = client.get("/o/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/o"
    assert meta["subject_types_supported"] == ["pairwise"]
    assert meta["id_token_signing_alg_values_supported"][0] == "RS256"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == "http://testserver/o/logout/"
    assert {"realname_level", "id_number", "phone_number", "name", "sub"} <= set(
        meta["claims_supported"]
    )
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


# --- the happy path, consent -------------------------------------------------------------
def test_code_pkce_flow_consent_recorded_and_claims(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    page = client.get("/o/authorize/", authorize_params(app, challenge))
    assert page.status_code == 200
    html = page.content.decode()
    assert "同意" in html and "拒绝" in html and "手机号码" in html and app.name in html
    assert not OidcConsent.objects.exists()

    post = authorize_params(app, challenge) | {"allow": "on"}
    response = client.post("/o/authorize/", post)
    assert response.status_code == 302 and response["Location"].startswith(REDIRECT_A)
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    consent = OidcConsent.objects.get(user=citizen, application=app)
    assert consent.scopes == sorted(PERSON_SCOPES)
    event = AuditEvent.objects.get(event_type="identity.oidc_consent_granted")
    assert event.actor_id == citizen.pk and event.data["client_id"] == app.client_id

    tokens = exchange(client, app, secret, code, verifier).json()
    claims = id_token_claims(client, tokens["id_token"])
    assert claims["aud"] == app.client_id and claims["nonce"] == "n-456"
    assert claims["iss"] == "http://testserver/o"
    assert claims["sub"] != str(citizen.pk) and len(claims["sub"]) == 52
    assert "name" not in claims and "id_number" not in claims  # personal data via userinfo only
    assert claims["realname_level"] == 2

    info = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info == {
        "sub": claims["sub"],
        "name": "张三",
        "phone_number": "13800138000",
        "phone_number_verified": True,
        "realname_level": 2,
        "id_number": "440***********1235",
    }


def test_second_login_skips_consent_screen(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    full_login(client, app, secret)
    verifier, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(app, challenge))
    assert response.status_code == 302 and "code=" in response["Location"]
    assert AuditEvent.objects.filter(event_type="identity.oidc_consent_granted").count() == 1
    # asking for more than was consented shows the screen again
    services.update_client(actor=None, application=app, scopes=PERSON_SCOPES + ["idcard"])
    response = client.get("/o/authorize/", authorize_params(app, challenge, scope="openid idcard"))
    assert response.status_code == 200


def test_refusing_consent_issues_no_code(client, citizen, dept_a):
    app, _ = dept_a
    client.force_login(citizen)
    _, challenge = pkce_pair()
    response = client.post("/o/authorize/", authorize_params(app, challenge))  # no "allow"
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["access_denied"]
    assert not Grant.objects.exists() and not OidcConsent.objects.exists()


def test_idcard_scope_reveals_full_id_number_only_when_approved(client, citizen, operator):
    app, secret = register(operator, scopes=["openid", "realname", "idcard"])
    client.force_login(citizen)
    tokens = full_login(client, app, secret, scope="openid realname idcard")
    info = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["id_number"] == "440106199001011235"


# --- pairwise subjects ----------------------------------------------------------------------
def test_sub_is_pairwise_per_client_and_stable(client, citizen, outsider, dept_a, dept_b):
    (app_a, secret_a), (app_b, secret_b) = dept_a, dept_b
    client.force_login(citizen)
    first_a = full_login(client, app_a, secret_a)
    second_a = full_login(client, app_a, secret_a)
    first_b = full_login(client, app_b, secret_b, redirect=REDIRECT_B)
    sub_a1 = id_token_claims(client, first_a["id_token"])["sub"]
    sub_a2 = id_token_claims(client, second_a["id_token"])["sub"]
    sub_b = id_token_claims(client, first_b["id_token"])["sub"]
    assert sub_a1 == sub_a2
    assert sub_a1 != sub_b
    assert sub_a1 == pairwise_subject(citizen.pk, app_a.client_id)
    assert pairwise_subject(outsider.pk, app_a.client_id) != sub_a1
    info_b = client.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {first_b['access_token']}"
    ).json()
    assert info_b["sub"] == sub_b


# --- bad input: replayed code, wrong redirect URI, PKCE mismatch, expired, scopes ------------
def test_replayed_authorization_code_is_refused(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    code = consent_and_get_code(client, app, challenge)
    assert exchange(client, app, secret, code, verifier).status_code == 200
    tokens_before = AccessToken.objects.count()
    replay = exchange(client, app, secret, code, verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == tokens_before == 1
    assert IDToken.objects.count() == 1


def test_wrong_redirect_uri_shows_error_page_and_issues_no_code(client, citizen, dept_a):
    app, _ = dept_a
    client.force_login(citizen)
    _, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(app, challenge, redirect="https://evil.example.com/cb")
    )
    assert response.status_code == 400
    assert "回调地址与登记的不一致" in response.content.decode()
    assert "Location" not in response
    post = authorize_params(app, challenge, redirect="https://evil.example.com/cb") | {
        "allow": "on"
    }
    response = client.post("/o/authorize/", post)
    assert response.status_code == 400
    assert not Grant.objects.exists() and not OidcConsent.objects.exists()


def test_token_request_with_other_redirect_uri_is_refused(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    code = consent_and_get_code(client, app, challenge)
    response = exchange(
        client, app, secret, code, verifier, redirect="https://dept-a.example.cn/other"
    )
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert not AccessToken.objects.exists()


def test_pkce_mismatch_is_invalid_grant(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    _, challenge = pkce_pair()
    code = consent_and_get_code(client, app, challenge)
    other_verifier, _ = pkce_pair()
    response = exchange(client, app, secret, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists() and not IDToken.objects.exists()


def test_authorization_without_pkce_is_refused(client, citizen, dept_a):
    app, _ = dept_a
    client.force_login(citizen)
    params = authorize_params(app, "x")
    del params["code_challenge"], params["code_challenge_method"]
    response = client.get("/o/authorize/", params)
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_request"]
    assert not Grant.objects.exists()


def test_plain_pkce_method_is_refused(client, citizen, dept_a):
    app, _ = dept_a
    client.force_login(citizen)
    verifier, _ = pkce_pair()
    params = authorize_params(app, verifier, code_challenge_method="plain")
    page = client.get("/o/authorize/", params)
    response = (
        client.post("/o/authorize/", params | {"allow": "on"}) if page.status_code == 200 else page
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "code=" not in response["Location"]
    assert not Grant.objects.exists()


def test_expired_access_token_is_rejected_at_userinfo(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    tokens = full_login(client, app, secret)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 401
    assert "invalid_token" in response["WWW-Authenticate"]


def test_unapproved_scope_is_refused_with_invalid_scope(client, citizen, operator):
    app, _ = register(operator, scopes=["openid", "profile"])
    client.force_login(citizen)
    _, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(app, challenge, scope="openid profile idcard")
    )
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_scope"]
    # a tampered consent form cannot add it either
    post = authorize_params(app, challenge, scope="openid idcard") | {"allow": "on"}
    response = client.post("/o/authorize/", post)
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_scope"]
    assert not Grant.objects.exists() and not OidcConsent.objects.exists()


def test_wrong_client_secret_gets_no_token(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    code = consent_and_get_code(client, app, challenge)
    response = exchange(client, app, secret + "x", code, verifier)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_suspended_client_cannot_log_in_nor_use_tokens(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    tokens = full_login(client, app, secret)
    services.update_client(actor=None, application=app, status=ClientPolicy.Status.SUSPENDED)
    assert (
        client.get(
            "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
        ).status_code
        == 401
    )
    _, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(app, challenge))
    assert response.status_code == 400
    assert not Grant.objects.exists()


def test_anonymous_authorize_redirects_to_login(client, dept_a):
    app, _ = dept_a
    _, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(app, challenge))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not Grant.objects.exists()


def test_client_requiring_otp_sends_password_only_session_to_sms_step(client, citizen, operator):
    app, _ = register(operator, require_otp=True)
    client.force_login(citizen)  # a session without the SMS step
    _, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(app, challenge))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert client.session.get("identity_client_requires_otp") is True
    assert not Grant.objects.exists()
    session = client.session
    session["identity_auth"] = {"otp": True}
    session.save()
    assert client.get("/o/authorize/", authorize_params(app, challenge)).status_code == 200


# --- logout, revocation, introspection ----------------------------------------------------
def test_rp_initiated_logout_ends_session_and_deletes_tokens(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    tokens = full_login(client, app, secret)
    bye = REDIRECT_A.replace("callback", "bye")
    response = client.get(
        "/o/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "client_id": app.client_id,
            "post_logout_redirect_uri": bye,
            "state": "s1",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{bye}?state=s1"
    assert "_auth_user_id" not in client.session
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_logout_to_unregistered_uri_is_refused_and_keeps_session(client, citizen, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    tokens = full_login(client, app, secret)
    response = client.get(
        "/o/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://evil.example.com/",
        },
    )
    assert response.status_code == 400
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert AccessToken.objects.count() == 1


def test_person_revokes_consent(client, citizen, outsider, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    full_login(client, app, secret)
    page = client.get("/o/apps/")
    assert app.name in page.content.decode()
    # another citizen cannot revoke it for them
    client.force_login(outsider)
    assert client.post(f"/o/apps/{app.client_id}/revoke/").status_code == 404
    assert OidcConsent.objects.get(user=citizen).revoked_at is None
    client.force_login(citizen)
    assert client.post(f"/o/apps/{app.client_id}/revoke/").status_code == 302
    assert OidcConsent.objects.get(user=citizen).revoked_at is not None
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert AuditEvent.objects.filter(event_type="identity.oidc_consent_revoked").count() == 1
    _, challenge = pkce_pair()
    assert (
        client.get("/o/authorize/", authorize_params(app, challenge)).status_code == 200
    )  # asks again


def test_introspection_returns_pairwise_sub_not_login_name(client, citizen, operator, dept_a):
    app, secret = dept_a
    client.force_login(citizen)
    person_tokens = full_login(client, app, secret)
    rs, rs_secret = services.register_client(
        actor=operator, name="资源服务", kind="machine", scopes=["introspection"]
    )
    rs_token = client.post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(rs.client_id, rs_secret),
    ).json()["access_token"]
    data = client.post(
        "/o/introspect/",
        {"token": person_tokens["access_token"]},
        HTTP_AUTHORIZATION=f"Bearer {rs_token}",
    ).json()
    assert data["active"] is True
    assert data["sub"] == pairwise_subject(citizen.pk, app.client_id)
    assert "username" not in data and citizen.username not in json.dumps(data)
