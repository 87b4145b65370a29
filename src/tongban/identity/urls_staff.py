from django.urls import path

from tongban.identity.views import staff as views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_create, name="staff_create"),
    path("import/", views.staff_import, name="staff_import"),
    path("<str:username>/", views.staff_detail, name="staff_detail"),
    path("<str:username>/roles/", views.role_add, name="role_add"),
    path("<str:username>/roles/<int:assignment_id>/remove/", views.role_remove, name="role_remove"),
    path("<str:username>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
]
