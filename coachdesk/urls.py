from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("", include("dashboard.urls")),
    path("", include("practices.urls")),
    path("", include("clients.urls")),
    path("", include("interviews.urls")),
    path("", include("goals.urls")),
    path("", include("inbound.urls")),
    path("", include("reminders.urls")),
    path("", include(("reminders.urls_coach", "reminders_coach"))),
    path("admin/", admin.site.urls),
]
