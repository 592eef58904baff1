from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_required
def home(request):
    """Each role lands on its own home page after login."""
    if request.user.is_coach:
        return redirect("dashboard:coach_home")
    return redirect("dashboard:client_home")


@require_GET
@never_cache
def healthz(request):
    """Liveness probe for docker-compose and load balancers; touches no database."""
    return HttpResponse("ok", content_type="text/plain")
