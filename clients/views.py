from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import client_profile_for, clients_for_coach


@login_required
def coach_home(request):
    clients = clients_for_coach(request.user).active()
    return render(request, "clients/coach_home.html", {"clients": clients})


@login_required
def portal_home(request):
    client = client_profile_for(request.user)
    return render(request, "clients/portal_home.html", {"client": client})
