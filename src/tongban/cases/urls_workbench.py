from django.urls import path

from tongban.cases.views import workbench as views

app_name = "workbench_cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("batch-accept/", views.batch_accept, name="batch_accept"),
    path("<str:number>/", views.case_detail, name="case_detail"),
    path("<str:number>/accept/", views.case_accept, name="case_accept"),
    path("<str:number>/reject/", views.case_reject, name="case_reject"),
    path("<str:number>/corrections/", views.case_request_correction, name="case_correction"),
    path("<str:number>/suspend/", views.case_suspend, name="case_suspend"),
    path("<str:number>/resume/", views.case_resume, name="case_resume"),
    path("<str:number>/conclude/", views.case_conclude, name="case_conclude"),
    path("<str:number>/hall-visits/", views.case_record_hall_visit, name="case_hall_visit"),
    path("<str:number>/tasks/<int:task_id>/decision/", views.task_decide, name="task_decide"),
]
