"""The OIDC code + PKCE flow driven by a real OIDC client library over HTTP.

authlib's ``OAuth2Session`` talks to the live test server: discovery and JWKS are
fetched over HTTP, the ID token signature is verified with the published keys
(joserfc), ``iss``/``aud``/``nonce`` are checked, and the pairwise ``sub`` is compared
across two department systems. The person's browser session is a cookie created with
``force_login`` and handed to the HTTP client.
"""

import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from tongban.identity.models import OidcConsent
from tongban.identity.oidc import services

pytestmark = pytest.mark.django_db(transaction=True)
SCOPE = "openid profile realname"


def browser_for(live_server, user) -> requests.Session:
    """A requests session carrying ``user``'s Tongban login cookie."""
    django_client = Client()
    django_client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, django_client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


def hidden_inputs(html: str) -> dict:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def approve(browser, url: str) -> str:
    """Open the authorisation URL as the person; press 同意 if asked. Returns the redirect."""
    page = browser.get(url, allow_redirects=False, timeout=30)
    if page.status_code == 200:
        assert "同意" in page.text
        form = hidden_inputs(page.text) | {"allow": "on"}
        page = browser.post(
            page.url, data=form, allow_redirects=False, timeout=30, headers={"Referer": page.url}
        )
    assert page.status_code == 302, page.text[:300]
    return page.headers["Location"]


def sign_in(live_server, browser, meta, keys, app, secret, redirect_uri):
    """One complete login of ``browser``'s person into ``app``; returns verified claims."""
    session = OAuth2Session(
        app.client_id,
        secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(
        meta["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )
    location = approve(browser, url)
    assert location.startswith(redirect_uri)
    assert parse_qs(urlparse(location).query)["iss"] == [meta["issuer"]]  # RFC 9207
    token = session.fetch_token(
        meta["token_endpoint"], authorization_response=location, code_verifier=verifier, timeout=30
    )

    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256" and decoded.header["kid"]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": app.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
    ).validate(decoded.claims)

    userinfo = session.get(meta["userinfo_endpoint"], timeout=30).json()
    assert userinfo["sub"] == decoded.claims["sub"]
    return decoded.claims, userinfo


def test_code_pkce_flow_with_authlib_against_live_server(live_server, citizen, operator):
    redirect_a = "https://dept-a.example.cn/oidc/callback"
    redirect_b = "https://dept-b.example.cn/oidc/callback"
    app_a, secret_a = services.register_client(
        actor=operator,
        name="广州市市场监管业务系统",
        redirect_uris=[redirect_a],
        scopes=SCOPE.split(),
    )
    app_b, secret_b = services.register_client(
        actor=operator,
        name="深圳市市场监管业务系统",
        redirect_uris=[redirect_b],
        scopes=SCOPE.split(),
    )

    meta = requests.get(f"{live_server.url}/o/.well-known/openid-configuration", timeout=30).json()
    assert meta["issuer"] == f"{live_server.url}/o"
    assert "S256" in meta["code_challenge_methods_supported"]
    assert "pairwise" in meta["subject_types_supported"]
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=30).json())

    browser = browser_for(live_server, citizen)
    claims_a1, info_a1 = sign_in(live_server, browser, meta, keys, app_a, secret_a, redirect_a)
    claims_a2, _ = sign_in(live_server, browser, meta, keys, app_a, secret_a, redirect_a)
    claims_b, info_b = sign_in(live_server, browser, meta, keys, app_b, secret_b, redirect_b)

    assert claims_a1["sub"] == claims_a2["sub"]  # stable for one client
    assert claims_a1["sub"] != claims_b["sub"]  # unlinkable across clients
    assert str(citizen.pk) not in (claims_a1["sub"], claims_b["sub"])
    assert info_a1["name"] == info_b["name"] == "张三"
    assert info_a1["id_number"] == "440***********1235"  # masked without the idcard scope
    assert OidcConsent.objects.filter(user=citizen).count() == 2


def test_tampered_id_token_fails_verification(live_server, citizen, operator):
    redirect = "https://dept-a.example.cn/oidc/callback"
    app, secret = services.register_client(
        actor=operator, name="部门系统", redirect_uris=[redirect], scopes=SCOPE.split()
    )
    meta = requests.get(f"{live_server.url}/o/.well-known/openid-configuration", timeout=30).json()
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=30).json())
    browser = browser_for(live_server, citizen)
    session = OAuth2Session(
        app.client_id, secret, scope=SCOPE, redirect_uri=redirect, code_challenge_method="S256"
    )
    verifier = secrets.token_urlsafe(48)
    url, _ = session.create_authorization_url(
        meta["authorization_endpoint"], nonce="n", code_verifier=verifier
    )
    token = session.fetch_token(
        meta["token_endpoint"],
        authorization_response=approve(browser, url),
        code_verifier=verifier,
        timeout=30,
    )
    header, payload, signature = token["id_token"].split(".")
    forged_payload = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with pytest.raises(Exception) as excinfo:
        jwt.decode(f"{header}.{forged_payload}.{signature}", keys, algorithms=["RS256"])
    assert "signature" in str(excinfo.value).lower() or excinfo.type.__name__ in {
        "BadSignatureError",
        "DecodeError",
        "InvalidPayloadError",
    }


def test_demo_department_system_signs_in_over_http(live_server, citizen):
    services.ensure_demo_client(base_url=live_server.url)
    browser = browser_for(live_server, citizen)
    home = browser.get(f"{live_server.url}/demo-dept/", timeout=30)
    assert "登录" in home.text and "张三" not in home.text

    to_provider = browser.get(
        f"{live_server.url}/demo-dept/login/", allow_redirects=False, timeout=30
    )
    assert to_provider.status_code == 302 and "/o/authorize/" in to_provider.headers["Location"]
    callback = approve(browser, to_provider.headers["Location"])
    assert callback.startswith(f"{live_server.url}/demo-dept/callback/")
    page = browser.get(callback, timeout=30)  # the demo exchanges the code over HTTP
    assert page.status_code == 200, page.text[:500]
    assert "张三" in page.text and "L2" in page.text and "440***********1235" in page.text
    assert 'data-claim="sub"' in page.text

    out = browser.get(f"{live_server.url}/demo-dept/logout/", allow_redirects=False, timeout=30)
    assert out.status_code == 302 and "/o/logout/" in out.headers["Location"]
    back = browser.get(out.headers["Location"], allow_redirects=False, timeout=30)
    assert back.status_code == 302 and back.headers["Location"].startswith(
        f"{live_server.url}/demo-dept/"
    )
    # the provider session ended: authorising again asks for a login
    again = browser.get(to_provider.headers["Location"], allow_redirects=False, timeout=30)
    assert again.status_code == 302 and "/account/login/" in again.headers["Location"]
