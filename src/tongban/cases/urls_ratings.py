from django.urls import path

from tongban.cases.views import ratings

app_name = "ratings"
urlpatterns = [
    path("", ratings.rating_list, name="rating_list"),
    path("<str:number>/", ratings.rating_form, name="rating_form"),
]
