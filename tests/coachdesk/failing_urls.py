"""A URLconf with a view that fails, for tests/coachdesk/test_error_reports.py."""

from django.urls import path


def failing_view(request):
    raise RuntimeError("something broke")


urlpatterns = [path("fails", failing_view)]
