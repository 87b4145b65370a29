"""Pages of the OIDC provider: consent screen, connected applications, console clients.

The protocol endpoints are django-oauth-toolkit's views (see ``urls.py``); two are
subclassed here: the authorisation view (consent recorded in ``OidcConsent``, SMS second
factor for clients that require it) and introspection (pairwise ``sub``, no username).
"""

import calendar
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView, IntrospectTokenView

from tongban.core.exceptions import DomainError
from tongban.core.permissions import IDENTITY_MANAGE_OIDC_CLIENTS, require_perm_page
from tongban.identity.oidc import claims as oidc_claims
from tongban.identity.oidc import selectors, services
from tongban.identity.oidc.forms import ClientPolicyForm, ClientRegisterForm
from tongban.identity.oidc.validators import active_policy

# Plain-words description of what each scope shares, for the consent screen.
CLAIM_WORDS = {
    "openid": "登录状态（给该应用的专属用户编号，无法用于与其他应用关联）",
    "profile": "姓名",
    "phone": "手机号码",
    "realname": "实名认证等级、身份证号（部分隐藏）",
    "idcard": "完整的身份证号码",
}


# --- OTP step-up (coordinated with identity.services.auth) -------------------------------
def _session_otp_verified(request) -> bool:
    from tongban.identity.services import auth

    return auth.session_otp_verified(request)


def _ask_for_otp(request):
    from tongban.identity.services import auth

    auth.require_otp_for_client(request)
    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


@method_decorator(never_cache, name="dispatch")
class TongbanAuthorizationView(AuthorizationView):
    """/o/authorize/: consent screen (同意/拒绝), skipped when the person already consented."""

    template_name = "identity/oidc_authorize.html"

    def _client_from_request(self, request):
        client_id = request.GET.get("client_id") or request.POST.get("client_id")
        if not client_id:
            return None
        return (
            get_application_model()
            .objects.select_related("policy", "policy__org_unit")
            .filter(client_id=client_id)
            .first()
        )

    def _otp_missing(self, request, application) -> bool:
        policy = active_policy(application)
        return bool(policy and policy.require_otp and not _session_otp_verified(request))

    def get(self, request, *args, **kwargs):
        application = self._client_from_request(request)
        if application is not None and self._otp_missing(request, application):
            return _ask_for_otp(request)
        prompt = set(request.GET.get("prompt", "").split())
        if application is not None and not prompt & {"login", "consent", "create"}:
            try:
                scopes, credentials = self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                return self.error_response(error, application=None)
            consent = selectors.active_consent(request.user, application)
            if consent is not None and consent.covers(scopes):
                if isinstance(credentials.get("ui_locales"), list):
                    credentials["ui_locales"] = " ".join(credentials["ui_locales"])
                try:
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request,
                        scopes=" ".join(scopes),
                        credentials=credentials,
                        allow=True,
                    )
                except OAuthToolkitError as error:
                    return self.error_response(error, application)
                return self.redirect(uri, application)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        application = self._client_from_request(request)
        if application is not None and self._otp_missing(request, application):
            return _ask_for_otp(request)
        return super().post(request, *args, **kwargs)

    def create_authorization_response(self, request, scopes, credentials, allow):
        result = super().create_authorization_response(request, scopes, credentials, allow)
        # oauthlib reports non-fatal errors (invalid_scope...) as a redirect, not an exception:
        # only a redirect carrying a code means the person's consent was acted upon.
        query = parse_qs(urlparse(result[0] or "").query)
        if allow and "code" in query and "error" not in query:
            application = get_application_model().objects.get(client_id=credentials["client_id"])
            services.grant_consent(
                actor=request.user, application=application, scopes=scopes.split()
            )
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["shared_items"] = [
            "实名认证等级"
            if scope == "realname" and "idcard" in scopes
            else CLAIM_WORDS.get(scope, scope)
            for scope in scopes
        ]
        application = context.get("application")
        context["policy"] = active_policy(application) if application else None
        return context


class TongbanIntrospectTokenView(IntrospectTokenView):
    """RFC 7662 introspection with the pairwise ``sub`` and without the login name."""

    @staticmethod
    def get_token_response(token_value=None):
        if token_value is None:
            return JsonResponse(
                {"error": "invalid_request", "error_description": "Token parameter is missing."},
                status=400,
            )
        token = selectors.find_access_token(token_value)
        if token is None or not token.is_valid() or active_policy(token.application) is None:
            return JsonResponse({"active": False})
        data = {
            "active": True,
            "scope": token.scope,
            "exp": int(calendar.timegm(token.expires.utctimetuple())),
            "client_id": token.application.client_id,
            "token_type": "Bearer",
        }
        if token.user is not None:
            data["sub"] = oidc_claims.subject_for(token.user, token.application)
        if token.resource:
            data["aud"] = token.resource
        return JsonResponse(data)


# --- the person's connected applications ("已授权的应用") -----------------------------
@login_required
def connected_apps(request):
    consents = selectors.consents_of(request.user)
    return render(
        request,
        "identity/oidc_connected_apps.html",
        {
            "consents": [(c, [CLAIM_WORDS.get(s, s) for s in c.scopes]) for c in consents],
        },
    )


@login_required
@require_POST
def connected_app_revoke(request, client_id):
    application = selectors.client_by_id(client_id)
    try:
        services.revoke_consent(actor=request.user, application=application)
    except DomainError as exc:
        return render(
            request,
            "identity/oidc_connected_apps.html",
            {"consents": [], "error": exc.message},
            status=exc.status,
        )
    return redirect("oauth2_provider:connected_apps")


# --- console: client registration (operators) ---------------------------------------------
_operator_only = require_perm_page(IDENTITY_MANAGE_OIDC_CLIENTS)


@_operator_only
def client_list(request):
    clients = selectors.list_clients(request.user)
    return render(request, "console/oidc_client_list.html", {"clients": clients})


@never_cache
@_operator_only
def client_create(request):
    form = ClientRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application, secret = services.register_client(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                redirect_uris=data["redirect_uris"],
                post_logout_redirect_uris=data["post_logout_redirect_uris"],
                scopes=data["scopes"],
                confidential=data["confidential"],
                org_unit=data["org_unit"],
                require_otp=data["require_otp"],
                description=data["description"],
                contact=data["contact"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            # The secret is shown once, on this response only (never stored in clear).
            return render(
                request,
                "console/oidc_client_created.html",
                {"application": application, "secret": secret, "endpoints": _endpoints(request)},
            )
    return render(request, "console/oidc_client_form.html", {"form": form})


@never_cache
@_operator_only
def client_detail(request, client_id):
    application = selectors.access_client(request.user, client_id)
    policy = application.policy
    initial = {
        "name": application.name,
        "redirect_uris": "\n".join(application.redirect_uris.split()),
        "post_logout_redirect_uris": "\n".join(application.post_logout_redirect_uris.split()),
        "scopes": policy.allowed_scopes,
        "require_otp": policy.require_otp,
        "status": policy.status,
    }
    form = ClientPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_client(
                actor=request.user,
                application=application,
                name=data["name"],
                scopes=data["scopes"],
                redirect_uris=data["redirect_uris"],
                post_logout_redirect_uris=data["post_logout_redirect_uris"],
                require_otp=data["require_otp"],
                status=data["status"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            return redirect("oidc_console:client_detail", client_id=application.client_id)
    return render(
        request,
        "console/oidc_client_detail.html",
        {
            "application": application,
            "policy": policy,
            "form": form,
            "endpoints": _endpoints(request),
        },
    )


@never_cache
@_operator_only
@require_POST
def client_rotate_secret(request, client_id):
    application = selectors.access_client(request.user, client_id)
    try:
        secret = services.rotate_client_secret(actor=request.user, application=application)
    except DomainError as exc:
        return render(
            request,
            "console/oidc_client_detail.html",
            {
                "application": application,
                "policy": application.policy,
                "form": None,
                "error": exc.message,
                "endpoints": _endpoints(request),
            },
            status=exc.status,
        )
    return render(
        request,
        "console/oidc_client_created.html",
        {
            "application": application,
            "secret": secret,
            "rotated": True,
            "endpoints": _endpoints(request),
        },
    )


def _endpoints(request) -> dict:
    issuer = oauth2_settings.oidc_issuer(request)
    return {
        "issuer": issuer,
        "discovery": f"{issuer}/.well-known/openid-configuration",
        "now": timezone.now(),
    }
