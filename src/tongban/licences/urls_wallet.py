"""The licence wallet (我的证照), mounted at /my/licences/; the public share page lives here
too (``s/<token>/``, no login)."""

from django.urls import path

from tongban.licences.views import share, wallet

app_name = "wallet"
urlpatterns = [
    path("", wallet.licence_list, name="licence_list"),
    path("s/<str:token>/", share.share_page, name="share_page"),
    path("s/<str:token>/pdf/", share.share_pdf, name="share_pdf"),
    path("shares/<int:pk>/revoke/", wallet.share_revoke, name="share_revoke"),
    path("<str:identifier>/", wallet.licence_detail, name="licence_detail"),
    path("<str:identifier>/pdf/", wallet.licence_pdf, name="licence_pdf"),
    path("<str:identifier>/shares/", wallet.share_create, name="share_create"),
    path("<str:identifier>/usages/", wallet.usage_list, name="usage_list"),
]
