from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients.access import is_viewer

from .readiness import readiness_report


@login_required
def home(request):
    """Each role lands on its own home page after login."""
    if is_viewer(request.user):
        return redirect("dashboard:practice_home")
    if request.user.is_coach:
        return redirect("dashboard:coach_home")
    return redirect("dashboard:client_home")


@require_GET
@never_cache
def healthz(request):
    """Liveness probe for docker-compose and load balancers; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    """Readiness for monitors: the database, the cache and the reminder sweep's last success
    (coachdesk/readiness.py); 503 names what is failing. Reads nothing from the request."""
    report = readiness_report()
    return JsonResponse(report, status=503 if report["failing"] else 200)
