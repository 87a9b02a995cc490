from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.list_page, {"key": "board"}, name="board"),
    path("lists/<str:key>/", views.list_page, name="list"),
    path("lists/<str:key>/export.xlsx", views.list_export, name="list_export"),
    path("enterprises/<int:pk>/", views.evaluate, name="evaluate"),
    path("enterprises/<int:pk>/cultivate/", views.entry_add, name="entry_add"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/stage/", views.entry_stage, name="entry_stage"),
]
