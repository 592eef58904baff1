import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from accounts.timezones import NonExistentLocalTime, local_to_utc
from clients.models import Contact

from .models import Interview


class InterviewForm(forms.Form):
    """Schedule or reschedule: date and time are typed in the client's timezone."""

    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label="With")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        initial=30,
        min_value=5,
        max_value=240,
        help_text="20–30 minutes for a call; up to an hour in person.",
    )
    end_time = forms.TimeField(
        label="…or ends at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Optional: give the end time instead of the length.",
    )
    format = forms.ChoiceField(choices=Interview.Format.choices, initial=Interview.Format.VIDEO)
    platform = forms.ChoiceField(
        choices=[("", "—"), *Interview.Platform.choices],
        required=False,
        help_text="For a video call.",
    )
    meeting_link = forms.URLField(
        required=False, assume_scheme="https", max_length=500, label="Meeting link"
    )
    phone = forms.CharField(required=False, max_length=40, label="Phone number")
    location = forms.CharField(required=False, max_length=300, label="Address or place")
    confirm_past = forms.BooleanField(
        required=False,
        label="This interview already happened: I am logging it after the fact",
    )

    def __init__(self, *args, client, interview=None, **kwargs):
        self.client = client
        self.interview = interview
        if interview is not None and "initial" not in kwargs:
            local = timezone.localtime(interview.starts_at, client_zone(client))
            kwargs["initial"] = {
                "contact": interview.contact_id,
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": interview.duration_minutes,
                **{name: getattr(interview, name) for name in self.logistics_fields()},
            }
        super().__init__(*args, **kwargs)
        # crispy-forms renders help texts as HTML: user data goes in escaped.
        self.fields["date"].help_text = format_html(
            "In {}'s timezone ({}).", client.first_name, client.timezone
        )
        contacts = client.contacts.exclude(stage__in=Contact.CLOSED).select_related("company")
        if interview is not None:
            # Changing who the interview is with would rewrite its history: schedule a new one.
            contacts = client.contacts.filter(pk=interview.contact_id)
            self.fields["contact"].disabled = True
        self.fields["contact"].queryset = contacts
        self.fields["contact"].label_from_instance = contact_label

    @staticmethod
    def logistics_fields():
        return ("format", "platform", "meeting_link", "phone", "location")

    def clean(self):
        cleaned = super().clean()
        date, start = cleaned.get("date"), cleaned.get("start_time")
        if date is None or start is None:
            return cleaned
        try:
            starts_at = local_to_utc(date, start, self.client.timezone)
        except NonExistentLocalTime:
            self.add_error(
                "start_time",
                f"{start:%H:%M} does not exist on {date:%d %b %Y} in {self.client.timezone}: "
                "the clocks jump forward that night. Pick another time.",
            )
            return cleaned
        cleaned["starts_at"] = starts_at
        end = cleaned.get("end_time")
        if end is not None:
            ends = datetime.combine(date, end)
            begins = datetime.combine(date, start)
            if ends <= begins:
                self.add_error("end_time", "The end time is before the start time.")
            else:
                cleaned["duration_minutes"] = int((ends - begins) / timedelta(minutes=1))
                if not 5 <= cleaned["duration_minutes"] <= 240:
                    self.add_error("end_time", "An interview lasts between 5 and 240 minutes.")
        moved = self.interview is None or starts_at != self.interview.starts_at
        if moved and starts_at < timezone.now() and not cleaned.get("confirm_past"):
            self.add_error(
                "date",
                "This time is in the past. To log an interview that already happened, tick the "
                "box below; otherwise pick a future date.",
            )
        self._clean_logistics(cleaned)
        return cleaned

    def _clean_logistics(self, cleaned):
        fmt = cleaned.get("format")
        if fmt == Interview.Format.VIDEO and not (
            cleaned.get("platform") or cleaned.get("meeting_link")
        ):
            self.add_error("platform", "For a video call, choose the platform or paste the link.")
        if fmt == Interview.Format.PHONE and not cleaned.get("phone"):
            self.add_error("phone", "For a phone call, note the number to call.")
        if fmt == Interview.Format.IN_PERSON and not cleaned.get("location"):
            self.add_error("location", "For an in-person meeting, note where.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            **{name: data[name] for name in self.logistics_fields()},
        }


def client_zone(client):
    return zoneinfo.ZoneInfo(client.timezone)


def contact_label(contact) -> str:
    company = f" — {contact.company.name}" if contact.company else ""
    return f"{contact.name}{company} ({contact.get_stage_display().lower()})"


class PrepForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["pitch", "research_notes"]
        widgets = {
            "pitch": forms.Textarea(attrs={"rows": 4}),
            "research_notes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "research_notes": "What you learned about the person, the company and the field.",
        }


class CoachNotesForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["coach_notes"]
        widgets = {"coach_notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"coach_notes": "Private notes (only you see these)"}


class OwnQuestionForm(forms.Form):
    text = forms.CharField(
        label="Add your own question",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. What surprised you most in this role?"}),
    )
