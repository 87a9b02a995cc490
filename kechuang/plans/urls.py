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

# Extraction of plan documents (office). Listed first: "extract/..." must not be read as a plan code.
from . import extract_views  # noqa: E402

urlpatterns = [
    path("extract/new/", extract_views.extract_upload, name="extract_upload"),
    path("extract/jobs/<int:pk>/", extract_views.extract_job, name="extract_job"),
    path("extract/<slug:code>/", extract_views.extract_review, name="extract_review"),
    path("extract/<slug:code>/save/", extract_views.extract_save, name="extract_save"),
    path("extract/<slug:code>/edit/", extract_views.extract_edit, name="extract_edit"),
    path("extract/<slug:code>/activate/", extract_views.extract_activate, name="extract_activate"),
] + urlpatterns
