"""Staff pages of 12345 work orders, mounted at /workbench/workorders/: the 12345 centre's
list and order pages, and the departments' (``department/``)."""

from django.urls import path

from tongban.servicedesk.views import workorders_hotline as views

app_name = "servicedesk_hotline"
urlpatterns = [
    path("", views.hotline_list, name="hotline_list"),
    path("new/", views.hotline_create, name="hotline_create"),
    path("department/", views.department_list, name="department_list"),
    path("department/<str:number>/", views.department_detail, name="department_detail"),
    path("department/<str:number>/reply/", views.department_reply, name="department_reply"),
    path("department/<str:number>/return/", views.department_return, name="department_return"),
    path("<str:number>/", views.hotline_detail, name="hotline_detail"),
    path("<str:number>/dispatch/", views.hotline_dispatch, name="hotline_dispatch"),
    path("<str:number>/supervise/", views.hotline_supervise, name="hotline_supervise"),
    path("<str:number>/conclude/", views.hotline_conclude, name="hotline_conclude"),
    path("<str:number>/callback/", views.hotline_callback, name="hotline_callback"),
]
