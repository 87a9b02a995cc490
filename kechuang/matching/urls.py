from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_matches, name="demand_matches"),
    path("demands/<int:pk>/dockings/", views.docking_create, name="docking_create"),
    path("dockings/", views.docking_list, name="docking_list"),
    path("dockings/export.xlsx", views.docking_export, name="docking_export"),
    path("dockings/<int:pk>/", views.docking_detail, name="docking_detail"),
    path("dockings/<int:pk>/status/", views.docking_update, name="docking_update"),
]
