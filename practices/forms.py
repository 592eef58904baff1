from django import forms

from accounts.models import Practice, PracticeInvitation, User
from accounts.timezones import timezone_choices
from clients.forms_invitation import InvitationAcceptForm

from .roles import role_choices_described


class InviteForm(forms.ModelForm):
    """The team page's invitation: who, and with which role. Validates only; the view sends."""

    class Meta:
        model = PracticeInvitation
        fields = ["email", "name", "role"]
        labels = {"email": "Email address", "name": "Their name (optional)", "role": "Role"}
        help_texts = {"name": "Used to greet them in the email; they can change it when joining."}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "role": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_described()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=role_choices_described, widget=forms.RadioSelect)


class MemberDeactivateForm(forms.Form):
    """Who takes over a leaving member's active clients: one coach for all of them, and
    optionally another coach for any one client. Every client must end up with someone."""

    reassign_to = forms.TypedChoiceField(
        label="Give their active clients to",
        coerce=int,
        required=False,
        help_text="Each client is emailed the name of their new coach.",
    )

    def __init__(self, *args, clients, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = list(clients)
        # Choices from one list: each select renders without a query of its own.
        self.coaches = {coach.pk: coach for coach in coaches}
        options = [(pk, f"{coach.name} ({coach.email})") for pk, coach in self.coaches.items()]
        if not self.clients:
            del self.fields["reassign_to"]
            return
        self.fields["reassign_to"].choices = [("", "Choose a coach"), *options]
        for client in self.clients:
            self.fields[self.client_field(client)] = forms.TypedChoiceField(
                label=f"{client.name} ({client.email})",
                coerce=int,
                required=False,
                choices=[("", "The coach chosen above"), *options],
            )

    @staticmethod
    def client_field(client) -> str:
        return f"client_{client.pk}"

    def per_client_fields(self):
        return [self[self.client_field(client)] for client in self.clients]

    def clean(self):
        cleaned = super().clean()
        if self.clients and cleaned.get("reassign_to") in (None, ""):
            unchosen = [c for c in self.clients if cleaned.get(self.client_field(c)) in (None, "")]
            if unchosen:
                self.add_error(
                    "reassign_to",
                    "Choose who takes over their clients, here or for each client below.",
                )
        return cleaned

    def coach_for_all(self) -> User | None:
        return self.coaches.get(self.cleaned_data.get("reassign_to"))

    def coach_for_each(self) -> dict[int, User]:
        chosen = {
            client.pk: self.coaches.get(self.cleaned_data.get(self.client_field(client)))
            for client in self.clients
        }
        return {pk: coach for pk, coach in chosen.items() if coach is not None}


class PracticeSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Timezone",
        choices=timezone_choices,
        help_text=Practice._meta.get_field("timezone").help_text,
    )

    class Meta:
        model = Practice
        fields = ["name", "timezone", "require_two_factor"]
        labels = {
            "name": "Practice name",
            "require_two_factor": "Require two-factor login for every member",
        }
        help_texts = {"name": "Shown to your team and in the invitations you send."}


class PracticeJoinForm(InvitationAcceptForm):
    """What an invited coach, admin or viewer fills in to get their login: the client
    invitation's form (name, timezone, a password checked by the project's validators), in a
    practice's words."""

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = f"{practice.name} invited you at this address; you will log in with it."
        self.fields[
            "timezone"
        ].help_text = "Dates and times on your pages are shown in this timezone."
