"""Service-desk pages mounted at /workbench/halls/: hall configuration and statistics."""

from django.urls import path

from tongban.servicedesk.views import halls_workbench as views

app_name = "servicedesk_halls_workbench"
urlpatterns = [
    path("", views.hall_list, name="hall_list"),
    path("<slug:code>/", views.hall_detail, name="hall_detail"),
    path("<slug:code>/edit/", views.hall_edit, name="hall_edit"),
    path("<slug:code>/windows/", views.window_add, name="window_add"),
    path("<slug:code>/windows/<int:window_id>/", views.window_edit, name="window_edit"),
    path("<slug:code>/windows/<int:window_id>/toggle/", views.window_toggle, name="window_toggle"),
    path("<slug:code>/templates/", views.template_add, name="template_add"),
    path(
        "<slug:code>/templates/<int:template_id>/remove/",
        views.template_remove,
        name="template_remove",
    ),
]
