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
    path("my/payments/", include("tongban.payments.urls_payer")),
    path("my/receipts/", include("tongban.payments.urls_receipts")),
    path("receipts/verify/", include("tongban.payments.urls_receipt_verify")),
    path("pay/sim/", include("tongban.payments.urls_simulator")),
    path("console/payments/", include("tongban.payments.urls_console")),
    path("data/", include("tongban.sharing.urls_catalogue")),
    path("workbench/sharing/", include("tongban.sharing.urls_workbench")),
    path("console/sharing/", include("tongban.sharing.urls_console")),
    path("my/data-usage/", include("tongban.sharing.urls_my")),
    path("opendata/", include("tongban.sharing.urls_opendata")),
    path("api/3/action/", include("tongban.sharing.urls_ckan")),
    # the unversioned path CKAN also answers, called by the ckanapi client
    path("api/action/", include("tongban.sharing.urls_ckan", namespace="sharing_ckan_unversioned")),
    path("help/", include("tongban.servicedesk.urls_help")),
    path("console/knowledge/", include("tongban.servicedesk.urls_knowledge_console")),
    path("my/appointments/", include("tongban.servicedesk.urls_appointments")),
    path("hall/", include("tongban.servicedesk.urls_hall")),
    path("workbench/halls/", include("tongban.servicedesk.urls_halls_workbench")),
    path("my/workorders/", include("tongban.servicedesk.urls_workorders")),
    path("workbench/workorders/", include("tongban.servicedesk.urls_hotline")),
    path("open311/v2/", include("tongban.servicedesk.urls_open311")),
    path("my/deliveries/", include("tongban.servicedesk.urls_logistics")),
    path("workbench/deliveries/", include("tongban.servicedesk.urls_logistics_workbench")),
    path("courier/sim/", include("tongban.servicedesk.urls_courier_sim")),
    path("workbench/", include("tongban.core.urls_workbench")),
    path("console/", include("tongban.core.urls_console")),
    path("demo-dept/", include("tongban.identity.oidc.demo_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
if settings.DEBUG:
    urlpatterns.append(path("django-admin/", admin.site.urls))
