from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
]
