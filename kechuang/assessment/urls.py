from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("load/", views.scheme_load, name="scheme_load"),
    path("<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/units/<int:unit_id>/", views.unit_result, name="unit_result"),
    path("<int:pk>/compute/", views.compute, name="compute"),
    path("<int:pk>/run/", views.run_status, name="run_status"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/bonuses/add/", views.bonus_add, name="bonus_add"),
    path("<int:pk>/vetoes/add/", views.veto_add, name="veto_add"),
    path("bonuses/<int:pk>/delete/", views.bonus_delete, name="bonus_delete"),
    path("vetoes/<int:pk>/delete/", views.veto_delete, name="veto_delete"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:pk>/results.docx", views.results_docx, name="results_docx"),
    path("<int:pk>/commendation/", views.commendation_page, name="commendation"),
    path("<int:pk>/commendation.xlsx", views.commendation_xlsx, name="commendation_xlsx"),
    path("evaluation/<slug:code>/", views.evaluation_page, name="evaluation"),
    path("evaluation/<slug:code>/load/", views.evaluation_load, name="evaluation_load"),
]
