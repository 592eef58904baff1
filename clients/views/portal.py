from django.shortcuts import render

from .. import selectors
from ..access import client_profile_for, client_required
from ..models import Client


@client_required
def portal_home(request):
    client = client_profile_for(request.user)
    return render(
        request,
        "clients/portal_home.html",
        {
            "client": client,
            "counts": selectors.stage_counts(client),
            "stages": selectors.FUNNEL_STAGES,
            "recent_touches": selectors.recent_touches(
                clients=Client.objects.filter(pk=client.pk), limit=8
            ),
        },
    )
