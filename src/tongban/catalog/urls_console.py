from django.urls import path

from tongban.catalog import views_console as views

app_name = "catalog_console"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("implementations/<int:pk>/", views.implementation_edit, name="implementation_edit"),
    path("<slug:key>/", views.item_detail, name="item_detail"),
    path("<slug:key>/drafts/", views.draft_create, name="draft_create"),
    path("<slug:key>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("<slug:key>/restore/", views.item_restore, name="item_restore"),
    path("<slug:key>/versions/<int:number>/", views.version_edit, name="version_edit"),
    path(
        "<slug:key>/versions/<int:number>/materials/",
        views.material_add,
        name="material_add",
    ),
    path(
        "<slug:key>/versions/<int:number>/materials/<int:material_id>/delete/",
        views.material_remove,
        name="material_remove",
    ),
    path("<slug:key>/versions/<int:number>/process/", views.process_edit, name="process_edit"),
    path(
        "<slug:key>/versions/<int:number>/<slug:action>/",
        views.version_action,
        name="version_action",
    ),
]
