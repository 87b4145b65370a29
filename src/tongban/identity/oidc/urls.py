"""/o/: the OIDC provider (django-oauth-toolkit) plus the person's connected applications.

The namespace is ``oauth2_provider`` because the toolkit reverses its own URL names
(discovery builds every endpoint URL with ``reverse("oauth2_provider:…")``). The toolkit's
self-service application management pages are not mounted: clients are registered by
operators in the console (``urls_console``) or with ``tongban oidc create-client``.
"""

from django.urls import path, re_path
from oauth2_provider import views as dot_views

from tongban.identity.oidc import views

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", views.TongbanAuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", views.TongbanIntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/oauth-authorization-server",
        dot_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path(
        "logout/",
        dot_views.RPInitiatedLogoutView.as_view(template_name="identity/oidc_logout_confirm.html"),
        name="rp-initiated-logout",
    ),
    path("apps/", views.connected_apps, name="connected_apps"),
    path("apps/<str:client_id>/revoke/", views.connected_app_revoke, name="connected_app_revoke"),
]
