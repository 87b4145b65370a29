"""Console pages of verification (included by ``urls_console``, namespace
``licences_console``): the trust list and the status (revocation) of licences."""

from django.urls import path

from tongban.licences.views import trust

urlpatterns = [
    path("trust/", trust.trust_list, name="trust_list"),
    path("trust/<int:pk>/toggle/", trust.trust_toggle, name="trust_toggle"),
    path("status/", trust.status_lookup, name="status_lookup"),
    path("status/<str:identifier>/", trust.licence_status, name="licence_status"),
]
