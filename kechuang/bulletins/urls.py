from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="bulletin_list"),
    path("generate/", views.bulletin_generate, name="bulletin_generate"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("<int:pk>/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin_docx"),
    path("<int:pk>/bulletin.pdf", views.bulletin_pdf, name="bulletin_pdf"),
]
