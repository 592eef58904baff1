"""Moving and sharing a client between the practice's coaches: reassigning (a practice admin),
adding a co-coach and stopping sharing (the client's coach or a practice admin). Who may is
clients.access's to say; what happens is clients.services'."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from clients import services
from clients.access import (
    coach_required,
    coaches_to_reassign_to,
    coaches_to_share_with,
    get_client_to_reassign,
    get_client_to_share,
    get_share,
)
from clients.forms import CoachChoiceForm


@coach_required
def client_reassign(request, client_pk):
    """GET says what reassigning does and offers the other coaches; POST does it."""
    client = get_client_to_reassign(request.user, client_pk)
    form = CoachChoiceForm(
        request.POST or None, coaches=coaches_to_reassign_to(client), label="New coach"
    )
    if request.method == "POST" and form.is_valid():
        coach = form.cleaned_data["coach"]
        try:
            services.client_reassign(client=client, to_coach=coach, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told = "" if client.is_archived else f" {client.first_name} has been emailed."
            messages.success(request, f"{coach.name} is now {client.name}’s coach.{told}")
            return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "practices/client_reassign.html", {"client": client, "form": form})


@coach_required
def client_share(request, client_pk):
    client = get_client_to_share(request.user, client_pk)
    form = CoachChoiceForm(
        request.POST or None, coaches=coaches_to_share_with(client), label="Co-coach"
    )
    if request.method == "POST" and form.is_valid():
        coach = form.cleaned_data["coach"]
        try:
            services.client_share(client=client, coach=coach, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{client.name} is shared with {coach.name}.")
            return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "practices/client_share.html", {"client": client, "form": form})


@coach_required
def client_unshare(request, client_pk, share_pk):
    """GET asks for confirmation; POST stops sharing."""
    share = get_share(request.user, client_pk, share_pk)
    client = share.client
    if request.method == "POST":
        services.client_unshare(share=share, by=request.user)
        messages.success(request, f"{client.name} is no longer shared with {share.coach.name}.")
        return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "practices/client_unshare.html", {"client": client, "share": share})
