from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
]
