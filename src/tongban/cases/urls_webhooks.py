from django.urls import path

from tongban.cases.views import webhooks_console as views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("<int:pk>/rotate/", views.subscription_rotate, name="subscription_rotate"),
    path("<int:pk>/toggle/", views.subscription_toggle, name="subscription_toggle"),
]
