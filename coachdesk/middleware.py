from . import views

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers the health check before the host check and the HTTPS redirect.

    The container's health check calls gunicorn directly: over plain HTTP and with a Host
    (127.0.0.1:8000, web:8000) that is rightly not in ALLOWED_HOSTS, so behind
    SecurityMiddleware and CommonMiddleware it got a 301 or a 400 and the stack never became
    healthy. Only this exact path is answered here, and it reads nothing from the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH:
            return views.healthz(request)
        return self.get_response(request)
