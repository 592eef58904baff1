from datetime import timedelta

from django import forms
from django.utils import timezone as django_timezone

from accounts.timezones import timezone_choices

from .models import Client, Company, Contact, Opportunity, Touch

LAMP_CHOICES = [(0, "0 – none"), (1, "1 – a little"), (2, "2 – some"), (3, "3 – a lot")]


class ClientForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        help_text="Reminders reach the client at sensible local times in this timezone.",
    )

    class Meta:
        model = Client
        fields = ["name", "email", "timezone", "target_roles", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


def _name_as_typed(name: str) -> str:
    return " ".join(name.split()).casefold()


class ClientEraseForm(forms.Form):
    """Asks for the client's full name before erasing them: a deliberate act, not a misclick.
    Case and extra spaces do not matter; the words do."""

    confirm_name = forms.CharField(
        max_length=Client._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["confirm_name"].label = f"Type “{client.name}” to confirm"

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"]
        if _name_as_typed(typed) != _name_as_typed(self.client.name):
            raise forms.ValidationError(
                "That is not the client’s full name. Nothing was erased.", code="mismatch"
            )
        return typed


class CompanyForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)
    motivation = forms.TypedChoiceField(
        choices=LAMP_CHOICES,
        coerce=int,
        initial=0,
        label="Motivation",
        help_text="How much does the client want to work there?",
    )
    posting = forms.TypedChoiceField(
        choices=LAMP_CHOICES,
        coerce=int,
        initial=0,
        label="Postings",
        help_text="Are there job postings relevant to the client's target roles?",
    )
    advocacy = forms.TypedChoiceField(
        choices=LAMP_CHOICES,
        coerce=int,
        initial=0,
        label="Advocacy",
        help_text="Is there someone inside to talk to? 3 is a warm contact.",
    )

    class Meta:
        model = Company
        fields = ["name", "website", "motivation", "posting", "advocacy", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(forms.ModelForm):
    new_company_name = forms.CharField(
        label="…or a new company",
        required=False,
        max_length=200,
        help_text="Type a company that is not in the list yet; it is added to the client's list.",
    )
    linkedin_url = forms.URLField(
        label="LinkedIn URL", required=False, assume_scheme="https", max_length=300
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "title",
            "company",
            "new_company_name",
            "email",
            "linkedin_url",
            "phone",
            "source",
            "notes",
            "coach_notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "coach_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, client, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        self.fields["company"].queryset = client.companies.all()
        self.fields["company"].required = False
        self.fields["company"].empty_label = "— no company —"
        if not user.is_coach:
            del self.fields["coach_notes"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("company") and cleaned.get("new_company_name", "").strip():
            self.add_error(
                "new_company_name", "Pick a company from the list or type a new one, not both."
            )
        return cleaned


class TouchForm(forms.ModelForm):
    at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your local time.",
    )

    class Meta:
        model = Touch
        fields = ["kind", "channel", "at", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "What happened"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("at"):
            self.initial["at"] = django_timezone.localtime().replace(second=0, microsecond=0)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > django_timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("A touch is something that happened: pick a past time.")
        return at


class ContactCloseForm(forms.Form):
    stage = forms.ChoiceField(
        label="Close as",
        choices=[(s.value, s.label) for s in Contact.CLOSED],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note (optional)"
    )


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["kind", "at", "note"]
        widgets = {
            "at": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"kind": "What it led to"}


class CoachChoiceForm(forms.Form):
    """One coach of the practice, among `coaches` (clients.access says which)."""

    coach = forms.ModelChoiceField(queryset=None, empty_label="Choose a coach")

    def __init__(self, *args, coaches, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["coach"].label = label
        self.fields["coach"].label_from_instance = lambda coach: f"{coach.name} ({coach.email})"


class LibraryAudienceMixin:
    """Adds "Who can use it" to the form that creates a library item (an outreach template, a
    question bank) for an admin who keeps their practice's library (`practice`). Without a
    practice the form is unchanged and the item is the coach's own.

    The choice is taken out of `cleaned_data`, which keeps only the model's fields for the
    service; `belongs_to()` gives the owner or practice to create the item for."""

    ONLY_ME = "me"
    EVERYONE = "practice"

    def __init__(self, *args, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.for_practice = False
        if practice is not None:
            self.fields["audience"] = forms.ChoiceField(
                label="Who can use it",
                choices=[
                    (self.ONLY_ME, "Only me"),
                    (self.EVERYONE, f"Everyone at {practice.name}"),
                ],
                initial=self.ONLY_ME,
                required=False,  # nothing ticked: only me, the narrower choice
                widget=forms.RadioSelect,
                help_text=f"Everyone at {practice.name}: every coach there can use it with their "
                "clients and copy it; only the practice's admins can change it.",
            )

    def clean(self):
        cleaned_data = super().clean()
        self.for_practice = cleaned_data.pop("audience", self.ONLY_ME) == self.EVERYONE
        return cleaned_data

    def belongs_to(self, coach) -> dict:
        """The service's `owner=` or `practice=` for the new item."""
        return {"practice": self.practice} if self.for_practice else {"owner": coach}
