from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<slug:code>/", views.plan_detail, name="plan_detail"),
    path("<slug:code>/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("<slug:code>/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("<slug:code>/export.yaml", views.plan_export, name="plan_export"),
]
