from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from tongban.config.api import api
from tongban.core import views as core_views

urlpatterns = [
    path("", core_views.portal_home, name="portal_home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("o/", include("tongban.identity.oidc.urls")),
    path("account/", include("tongban.identity.urls")),
    path("account/companies/", include("tongban.identity.urls_companies")),
    path("console/staff/", include("tongban.identity.urls_staff")),
    path("console/sms/", include("tongban.identity.urls_sms")),
    path("console/oidc/", include("tongban.identity.oidc.urls_console")),
    path("registries/", include("tongban.registries.urls")),
    path("services/", include("tongban.catalog.urls")),
    path("my/cases/", include("tongban.cases.urls_applicant")),
    path("my/ratings/", include("tongban.cases.urls_ratings")),
    path("workbench/cases/", include("tongban.cases.urls_workbench")),
    path("workbench/rectifications/", include("tongban.cases.urls_rectifications")),
    path("console/catalog/", include("tongban.catalog.urls_console")),
    path("console/cases/", include("tongban.cases.urls_console")),
    path("console/webhooks/", include("tongban.cases.urls_webhooks")),
    path("my/licences/", include("tongban.licences.urls_wallet")),
    path("verify/", include("tongban.licences.urls_verify")),
    path("console/licences/", include("tongban.licences.urls_console")),
    path("workbench/", include("tongban.core.urls_workbench")),
    path("console/", include("tongban.core.urls_console")),
    path("demo-dept/", include("tongban.identity.oidc.demo_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
if settings.DEBUG:
    urlpatterns.append(path("django-admin/", admin.site.urls))
