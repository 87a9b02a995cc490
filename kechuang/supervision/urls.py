from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("trend/<int:pk>/", views.indicator_trend, name="indicator_trend"),
    path("list/", views.supervision_list, name="supervision_list"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/issue/", views.order_issue, name="order_issue"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/docx/", views.order_docx, name="order_docx"),
    path("orders/<int:pk>/reply/", views.order_reply, name="order_reply"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_docx, name="meeting_docx"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/urge/", views.urge, name="urge"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
