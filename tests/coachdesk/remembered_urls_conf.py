"""A second URLconf for tests/coachdesk/test_remembered_urls.py: the health check elsewhere."""

from django.urls import path

from coachdesk import views

urlpatterns = [path("elsewhere/healthz", views.healthz, name="healthz")]
