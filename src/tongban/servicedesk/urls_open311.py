"""Open311 GeoReport v2, mounted at /open311/v2/ (see ``views.open311``)."""

from django.urls import re_path

from tongban.servicedesk.views import open311

app_name = "servicedesk_open311"
FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, open311.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, open311.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[a-z_]{1,32})" + FORMAT,
        open311.service_definition,
        name="service_definition",
    ),
    re_path(r"^requests" + FORMAT, open311.requests_view, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[0-9A-Za-z-]{1,32})" + FORMAT,
        open311.request_detail,
        name="request_detail",
    ),
]
