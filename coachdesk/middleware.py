from django.conf import settings
from django.shortcuts import render

from . import views
from .probes import HEALTH_CHECK_PATH, READINESS_PATH

PROBES = {HEALTH_CHECK_PATH: views.healthz, READINESS_PATH: views.readyz}


class HealthCheckMiddleware:
    """Answers the health check and the readiness probe before the host check and the HTTPS
    redirect.

    The container's health check calls gunicorn directly: over plain HTTP and with a Host
    (127.0.0.1:8000, web:8000) that is rightly not in ALLOWED_HOSTS, so behind
    SecurityMiddleware and CommonMiddleware it got a 301 or a 400 and the stack never became
    healthy; a load balancer's or a monitor's probe of /readyz comes the same way. Only these
    exact paths are answered here, and their views read nothing from the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe:
            return probe(request)
        return self.get_response(request)


def declared_body_size(request) -> int:
    """The request body's size as its Content-Length states it (0 when absent or unreadable).
    Under WSGI nothing past Content-Length is ever read, so this bounds what a view can read."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Refuses a body over MAX_REQUEST_BODY_BYTES from its Content-Length, before anything reads
    it (the CSRF check reads a POST's form data, so it must come after this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if declared_body_size(request) > settings.MAX_REQUEST_BODY_BYTES:
            context = {"limit_mb": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
