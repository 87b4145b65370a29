"""The applicant's cases, mounted at /my/cases/."""

from django.urls import path

from tongban.cases.views import applicant as views

app_name = "my_cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/<int:implementation_id>/", views.case_start, name="start"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path(
        "<int:pk>/materials/<int:material_id>/upload/",
        views.material_upload,
        name="material_upload",
    ),
    path(
        "<int:pk>/materials/<int:material_id>/licence/",
        views.licence_attach,
        name="licence_attach",
    ),
    path(
        "materials/<int:material_id>/download/", views.material_download, name="material_download"
    ),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/correct/", views.case_correct, name="correct"),
    path("<str:number>/withdraw/", views.case_withdraw, name="withdraw"),
]
