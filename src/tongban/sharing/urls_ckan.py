"""The CKAN-compatible Action API mounted at /api/3/action/ (and /api/action/, the path the
``ckanapi`` client calls)."""

from django.urls import re_path

from tongban.sharing.views import ckan

app_name = "sharing_ckan"
urlpatterns = [
    re_path(r"^(?P<name>[a-z_]+)/?$", ckan.action, name="action"),
]
