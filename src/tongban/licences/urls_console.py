"""Console pages of the licences app, mounted at /console/licences/.

Seal pages live here; licence types and issuing are in ``urls_console_issuing`` (same
namespace ``licences_console``).
"""

from django.urls import include, path

from tongban.licences.views import seals

app_name = "licences_console"
urlpatterns = [
    path("seals/", seals.seal_list, name="seal_list"),
    path("seals/new/", seals.seal_create, name="seal_create"),
    path("seals/<str:esid>/", seals.seal_detail, name="seal_detail"),
    path("seals/<str:esid>/status/", seals.seal_status, name="seal_status"),
    path("seals/<str:esid>/rotate/", seals.seal_rotate, name="seal_rotate"),
    path("seals/<str:esid>/renew/", seals.seal_renew, name="seal_renew"),
    path("seals/<str:esid>/image.svg", seals.seal_image, name="seal_image"),
    path(
        "seals/<str:esid>/keys/<str:fingerprint>.pem",
        seals.seal_key_pem,
        name="seal_key_pem",
    ),
    path(
        "seals/<str:esid>/keys/<str:fingerprint>.der",
        seals.seal_certificate_der,
        name="seal_certificate_der",
    ),
    path("", include("tongban.licences.urls_console_issuing")),
    path("", include("tongban.licences.urls_console_verify")),
]
