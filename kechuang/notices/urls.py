from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("read/", views.mark_read, name="mark_read"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_edit, name="channel_new"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
]
