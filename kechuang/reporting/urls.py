from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:code>/fill/<int:year>/<int:month>/", views.workspace, name="workspace"),
    path("<slug:code>/fill/<int:year>/<int:month>/evidence/<int:task_id>/", views.evidence_upload,
         name="evidence_upload"),
    path("<slug:code>/fill/<int:year>/<int:month>/autosave/", views.autosave, name="autosave"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("<slug:code>/fill/<int:year>/<int:month>/form.xlsx", views.excel_download, name="excel_download"),
    path("<slug:code>/fill/<int:year>/<int:month>/upload/", views.excel_upload, name="excel_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/preview/", views.evidence_preview, name="evidence_preview"),
    path("review/", views.review_home, name="review_home"),
    path("<slug:code>/review/", views.review_queue, name="review_queue"),
    path("<slug:code>/review/batch/", views.review_batch, name="review_batch"),
    path("reports/<int:pk>/", views.task_report_detail, name="task_report_detail"),
    path("reports/<int:pk>/action/", views.task_report_action, name="task_report_action"),
    path("values/<int:pk>/", views.value_detail, name="value_detail"),
    path("values/<int:pk>/action/", views.value_action, name="value_action"),
    path("<slug:code>/status/", views.completeness, name="completeness"),
    path("<slug:code>/units/<slug:unit_code>/<int:year>/<int:month>/", views.unit_month, name="unit_month"),
    path("<slug:code>/periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/status/", views.period_status, name="period_status"),
    path("<slug:code>/milestones/", views.milestones, name="milestones"),
]
