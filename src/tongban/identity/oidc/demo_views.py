"""The demo "department system" (示范部门业务系统): a relying party inside the project.

It does what a real department system does, with no shortcut through the database:
authorisation code + PKCE (S256) against our own /o/ endpoints, the code exchanged
server-side over HTTP with the client secret, the ID token verified with the published
JWKS (signature, iss, aud, exp, nonce), claims from userinfo, RP-initiated logout.

Only the standard library and jwcrypto (a django-oauth-toolkit dependency) are used so it
runs from a plain install. The pages never write the demo client: ``tongban seed_demo``
registers it (``ensure_demo_client()``, URIs under ``TONGBAN_SITE_URL``) and tests on a live
server register their own origin. The demo's origin is the request's only when the client
already lists a callback there, else ``SITE_URL``, so a forged Host header changes nothing;
the provider is reached at that origin (``TONGBAN_DEMO_PROVIDER_URL`` overrides it). The web
server must serve requests concurrently (``runserver`` does) because the callback calls
back into the same server.
"""

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from jwcrypto import jwk, jwt

from tongban.identity.oidc import services

SESSION_FLOW = "demo_dept_flow"
SESSION_LOGIN = "demo_dept_login"
HTTP_TIMEOUT = 10


class ProviderError(Exception):
    pass


def _demo_only(view):
    """The demo relying party exists in development and demo deployments, not production."""

    def wrapped(request, *args, **kwargs):
        if getattr(settings, "PRODUCTION", False):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _origin(request) -> str:
    """The demo's own origin (read-only): the request's when the registered demo client has
    its callback there, else ``SITE_URL``."""
    candidate = request.build_absolute_uri("/").rstrip("/")
    registered = services.demo_client_redirect_uris()
    if services.demo_redirect_uri(candidate) in registered:
        return candidate
    return settings.SITE_URL.rstrip("/")


def _base_url(request) -> str:
    return (getattr(settings, "TONGBAN_DEMO_PROVIDER_URL", "") or _origin(request)).rstrip("/")


def _http_json(url, *, data=None, headers=None):
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise ProviderError("invalid_endpoint", url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 (http(s) checked)
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read().decode())
        except ValueError:
            payload = {"error": f"http_{exc.code}"}
        raise ProviderError(
            payload.get("error", "error"), payload.get("error_description", "")
        ) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise ProviderError("unreachable", str(exc)) from exc


def _discovery(base: str) -> dict:
    return _http_json(f"{base}/o/.well-known/openid-configuration")


@never_cache
@_demo_only
def home(request):
    login = request.session.get(SESSION_LOGIN)
    return render(
        request,
        "identity/oidc_demo_home.html",
        {
            "login": login,
            "client_name": services.DEMO_CLIENT_NAME,
            "claims_json": json.dumps(login["claims"], ensure_ascii=False, indent=2)
            if login
            else "",
        },
    )


@_demo_only
def start(request):
    """登录: send the browser to the provider's authorisation endpoint."""
    base = _base_url(request)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    flow = {
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "verifier": verifier,
        "redirect_uri": services.demo_redirect_uri(_origin(request)),
    }
    request.session[SESSION_FLOW] = flow
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": services.DEMO_CLIENT_ID,
            "redirect_uri": flow["redirect_uri"],
            "scope": " ".join(services.DEMO_SCOPES),
            "state": flow["state"],
            "nonce": flow["nonce"],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return HttpResponseRedirect(f"{base}/o/authorize/?{query}")


@never_cache
@_demo_only
def callback(request):
    flow = request.session.pop(SESSION_FLOW, None)
    if request.GET.get("error"):
        return _failed(request, request.GET["error"], request.GET.get("error_description", ""))
    if not flow or request.GET.get("state") != flow["state"]:
        return _failed(request, "invalid_state", "state 不匹配或登录流程已过期，请重新登录。")
    base = _base_url(request)
    try:
        meta = _discovery(base)
        basic = base64.b64encode(
            f"{services.DEMO_CLIENT_ID}:{services.demo_client_secret()}".encode()
        ).decode()
        tokens = _http_json(
            meta["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": request.GET.get("code", ""),
                "redirect_uri": flow["redirect_uri"],
                "code_verifier": flow["verifier"],
            },
            headers={"Authorization": f"Basic {basic}"},
        )
        id_claims = _verify_id_token(tokens["id_token"], meta, flow["nonce"])
        userinfo = _http_json(
            meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    except (ProviderError, KeyError) as exc:
        return _failed(request, *(exc.args or ("error",)))
    if userinfo.get("sub") != id_claims["sub"]:
        return _failed(request, "sub_mismatch", "userinfo 与 ID 令牌的 sub 不一致。")
    request.session[SESSION_LOGIN] = {
        "sub": id_claims["sub"],
        "claims": userinfo,
        "id_token": tokens["id_token"],
        "issuer": meta["issuer"],
        "end_session_endpoint": meta.get("end_session_endpoint", ""),
    }
    return HttpResponseRedirect("/demo-dept/")


def _verify_id_token(token: str, meta: dict, nonce: str) -> dict:
    keys = jwk.JWKSet.from_json(json.dumps(_http_json(meta["jwks_uri"])))
    try:
        verified = jwt.JWT(
            jwt=token,
            key=keys,
            algs=["RS256"],
            check_claims={"iss": meta["issuer"], "aud": services.DEMO_CLIENT_ID, "exp": None},
        )
    except Exception as exc:  # noqa: BLE001 — any jwcrypto failure means "do not trust it"
        raise ProviderError("invalid_id_token", str(exc)) from exc
    claims = json.loads(verified.claims)
    if claims.get("nonce") != nonce:
        raise ProviderError("invalid_nonce", "ID 令牌的 nonce 不匹配。")
    return claims


@_demo_only
def logout(request):
    """RP-initiated logout: forget our session, then end the provider's session."""
    login = request.session.pop(SESSION_LOGIN, None)
    home_uri = services.demo_home_uri(_origin(request))
    if not login or not login.get("end_session_endpoint"):
        return HttpResponseRedirect(home_uri)
    query = urllib.parse.urlencode(
        {
            "id_token_hint": login["id_token"],
            "client_id": services.DEMO_CLIENT_ID,
            "post_logout_redirect_uri": home_uri,
            "state": secrets.token_urlsafe(8),
        }
    )
    return HttpResponseRedirect(f"{login['end_session_endpoint']}?{query}")


def _failed(request, code, description=""):
    return render(
        request,
        "identity/oidc_demo_home.html",
        {
            "login": None,
            "client_name": services.DEMO_CLIENT_NAME,
            "error": code,
            "error_description": description,
        },
        status=400,
    )
