"""/demo-dept/: the demo department system (a relying party using our SSO)."""

from django.urls import path

from tongban.identity.oidc import demo_views

app_name = "demo_dept"
urlpatterns = [
    path("", demo_views.home, name="home"),
    path("login/", demo_views.start, name="login"),
    path("callback/", demo_views.callback, name="callback"),
    path("logout/", demo_views.logout, name="logout"),
]
