from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("clients.urls")),
    path("", include("interviews.urls")),
    path("admin/", admin.site.urls),
]
