from django.shortcuts import render

from accounts.models import Membership
from clients.access import practice_admin_required, practice_of


@practice_admin_required
def team(request):
    practice = practice_of(request.user)
    members = Membership.objects.filter(practice=practice).select_related("user")
    return render(request, "practices/team.html", {"practice": practice, "members": members})
