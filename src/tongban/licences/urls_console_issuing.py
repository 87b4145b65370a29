"""Console pages for licence types and issuing (included by ``urls_console``, namespace
``licences_console``)."""

from django.urls import path

from tongban.licences.views import issuing, types

urlpatterns = [
    path("types/", types.type_list, name="type_list"),
    path("types/<slug:key>/", types.type_detail, name="type_detail"),
    path("types/<slug:key>/active/", types.type_toggle, name="type_toggle"),
    path("issue/", issuing.issue_start, name="issue_start"),
    path("issue/done/<int:pk>/", issuing.issue_done, name="issue_done"),
    path("issue/<slug:key>/", issuing.issue_form, name="issue_form"),
    path("issue/<slug:key>/import/", issuing.issue_import, name="issue_import"),
]
