from django.urls import path

from . import views

app_name = "metrics"
urlpatterns = [
    path("statistical/", views.statistical_list, name="statistical_list"),
    path("statistical/<int:pk>/", views.statistical_indicator, name="statistical_indicator"),
    path("indicators/<int:pk>/", views.indicator_values, name="indicator_values"),
]
