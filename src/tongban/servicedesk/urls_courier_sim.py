"""The courier simulator (demo only), mounted at /courier/sim/."""

from django.urls import path

from tongban.servicedesk.views import logistics

app_name = "servicedesk_courier_sim"
urlpatterns = [
    path("", logistics.simulator, name="simulator"),
    path("send/", logistics.simulator_send, name="send"),
]
