from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors_xlsx, name="import_errors_xlsx"),
    path("<slug:registry>/", views.registry_list, name="list"),
    path("<slug:registry>/new/", views.edit, name="create"),
    path("<slug:registry>/export.xlsx", views.export, name="export"),
    path("<slug:registry>/export-unmasked.xlsx", views.export_unmasked, name="export_unmasked"),
    path("<slug:registry>/template.xlsx", views.template, name="template"),
    path("<slug:registry>/import/", views.import_upload, name="import"),
    path("<slug:registry>/<int:pk>/", views.detail, name="detail"),
    path("<slug:registry>/<int:pk>/edit/", views.edit, name="edit"),
    path("<slug:registry>/<int:pk>/history/", views.history, name="history"),
    path("<slug:registry>/<int:pk>/unmask/", views.unmask, name="unmask"),
]
