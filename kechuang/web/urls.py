from django.urls import path

from kechuang.core.views import healthz

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),  # the load balancer's check: public, JSON, 200 or 503
    path("units/", views.unit_list, name="unit_list"),
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
]
