from django.urls import path

from kechuang.core.views import healthz

from . import rollover_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),  # the load balancer's check: public, JSON, 200 or 503
    path("units/", views.unit_list, name="unit_list"),
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
    # The rollover action of plans' review page, at its old address (web's URLs are matched first).
    path("plans/extract/<slug:code>/rollover/", rollover_views.plan_rollover, name="plan_rollover"),
]
