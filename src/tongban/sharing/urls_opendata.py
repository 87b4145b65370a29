"""The open data portal mounted at /opendata/ (public) and its provider/operator pages
under /opendata/manage/."""

from django.urls import path

from tongban.sharing.views import opendata, opendata_manage

app_name = "sharing_opendata"
urlpatterns = [
    path("", opendata.portal, name="portal"),
    path("datasets/<slug:name>/", opendata.dataset_detail, name="dataset"),
    path("datasets/<slug:name>/chart/", opendata.dataset_chart, name="chart"),
    path(
        "datasets/<slug:name>/download/<int:number>.<slug:fmt>",
        opendata.dataset_download,
        name="download",
    ),
    path("manage/", opendata_manage.manage_home, name="manage"),
    path("manage/negative-list/", opendata_manage.negative_list, name="negative_list"),
    path("manage/jobs/<int:pk>/", opendata_manage.manage_job, name="manage_job"),
    path("manage/resources/<str:code>/", opendata_manage.manage_resource, name="manage_resource"),
    path(
        "manage/resources/<str:code>/publish/",
        opendata_manage.manage_publish,
        name="manage_publish",
    ),
    path(
        "manage/resources/<str:code>/download/<int:number>.<slug:fmt>",
        opendata_manage.manage_download,
        name="manage_download",
    ),
]
