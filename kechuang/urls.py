"""Root URLs. Each app owns its own urls module; the access matrix (tests) covers every route."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kechuang.api.api import api

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("kechuang.web.urls")),
    path("plans/", include("kechuang.plans.urls")),
    path("accounts/", include("kechuang.accounts.urls")),
    path("audit/", include("kechuang.audit.urls")),
    path("notices/", include("kechuang.notices.urls")),
    path("reporting/", include("kechuang.reporting.urls")),
    path("supervision/", include("kechuang.supervision.urls")),
    path("registry/", include("kechuang.registry.urls")),
    path("quality/", include("kechuang.quality.urls")),
    path("metrics/", include("kechuang.metrics.urls")),
    path("bulletins/", include("kechuang.bulletins.urls")),
    path("assessment/", include("kechuang.assessment.urls")),
    path("policy/", include("kechuang.policy.urls")),
    path("matching/", include("kechuang.matching.urls")),
]
