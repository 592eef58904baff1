"""Forms of the debrief page and the thank-you block (writes are in interviews/debriefs.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import Debrief

FIT_CHOICES = [
    ("", "No answer yet"),
    (1, "1 – not for me"),
    (2, "2 – probably not"),
    (3, "3 – not sure yet"),
    (4, "4 – promising"),
    (5, "5 – a great fit"),
]

# The most referral rows one save takes; "Add more rows" stops there.
MAX_REFERRAL_ROWS = 20
MORE_ROWS = 3


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class DebriefForm(forms.ModelForm):
    fit = forms.TypedChoiceField(
        label="How well does this path fit you?",
        choices=FIT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="A first impression is fine; it can change after a few more conversations.",
    )

    class Meta:
        model = Debrief
        fields = [
            "highlights",
            "advice",
            "fit",
            "reflection_fit",
            "reflection_interest",
            "reflection_prepare",
            "next_steps",
        ]
        labels = {
            "highlights": "What stood out",
            "advice": "Advice you were given",
            "next_steps": "Next steps",
        }
        help_texts = {
            "highlights": "Stories, facts and words worth remembering, while they are fresh.",
            "advice": "Skills to build, people or places to look at, things to avoid.",
            "reflection_fit": "Could you see yourself doing their work day to day?",
            "reflection_interest": "What drew you in, and what put you off?",
            "reflection_prepare": "Which questions worked, which fell flat, what to look up first.",
            "next_steps": "Who to contact, what to read, what to follow up on, and by when.",
        }
        widgets = {
            "highlights": _textarea(4),
            "advice": _textarea(),
            "reflection_fit": _textarea(),
            "reflection_interest": _textarea(),
            "reflection_prepare": _textarea(),
            "next_steps": _textarea(),
        }


class ReferralForm(forms.Form):
    """One person the contact suggested. A row left empty is ignored."""

    name = forms.CharField(max_length=150, required=False)
    title = forms.CharField(label="Job title", max_length=200, required=False)
    company = forms.CharField(
        max_length=200,
        required=False,
        help_text="Picked from the list of companies by name, or added to it.",
    )
    email = forms.EmailField(required=False)
    linkedin_url = forms.URLField(
        label="LinkedIn URL", max_length=300, required=False, assume_scheme="https"
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        help_text="Why talk to them, and whether you may use the contact's name.",
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.is_filled() and not cleaned.get("name"):
            self.add_error("name", "Add the person's name, or clear this row.")
        return cleaned

    def is_filled(self) -> bool:
        """Anything typed in the row (checked on the raw values, so a row whose only entry is
        an invalid email still counts)."""
        return any(str(self[name].value() or "").strip() for name in self.fields)


class BaseReferralFormSet(forms.BaseFormSet):
    """The referral rows of a debrief: duplicates within the rows, and of contacts the client
    already has, are refused on the row, so the save is not even tried."""

    def __init__(self, *args, client, **kwargs):
        kwargs.setdefault("prefix", "referrals")
        super().__init__(*args, **kwargs)
        self.client = client

    def filled_forms(self) -> list[ReferralForm]:
        return [form for form in self.forms if form.is_filled()]

    def referral_rows(self) -> list[dict]:
        """The filled rows, as debriefs.debrief_save takes them (same order as filled_forms)."""
        return [form.cleaned_data for form in self.filled_forms()]

    def clean(self):
        rows = [form for form in self.filled_forms() if hasattr(form, "cleaned_data")]
        self._refuse_repeats(rows, "email", "This email is already given in referral {n}.")
        self._refuse_repeats(
            rows, "linkedin_url", "This LinkedIn URL is already given in referral {n}."
        )
        self._refuse_known(rows)

    def _refuse_repeats(self, rows, field: str, message: str) -> None:
        first_row: dict[str, int] = {}
        for form in rows:
            value = form.cleaned_data.get(field, "").lower()
            if not value:
                continue
            if value in first_row:
                form.add_error(field, message.format(n=first_row[value]))
            else:
                first_row[value] = self.forms.index(form) + 1

    def _refuse_known(self, rows) -> None:
        emails = {form.cleaned_data.get("email", "").lower() for form in rows} - {""}
        urls = {form.cleaned_data.get("linkedin_url", "").lower() for form in rows} - {""}
        if not emails and not urls:
            return
        known = self.client.contacts.annotate(
            email_lower=Lower("email"), linkedin_lower=Lower("linkedin_url")
        ).filter(Q(email_lower__in=emails) | Q(linkedin_lower__in=urls))
        by_email, by_url = {}, {}
        for contact in known.only("name", "email", "linkedin_url"):
            by_email[contact.email_lower] = contact
            by_url[contact.linkedin_lower] = contact
        for form in rows:
            for field, contacts in (("email", by_email), ("linkedin_url", by_url)):
                contact = contacts.get(form.cleaned_data.get(field, "").lower())
                if contact is not None and field not in form.errors:
                    form.add_error(field, f"Already in the contact list, as {contact.name}.")

    def add_save_errors(self, error: ValidationError) -> None:
        """Shows debriefs.debrief_save's per-row refusals (keyed by index in referral_rows)."""
        filled = self.filled_forms()
        for index, messages in error.message_dict.items():
            filled[int(index)].add_error(None, messages)


ReferralFormSet = forms.formset_factory(
    ReferralForm,
    formset=BaseReferralFormSet,
    extra=MORE_ROWS,
    max_num=MAX_REFERRAL_ROWS,
    validate_max=True,
)


def typed_values(form: forms.BaseForm) -> dict:
    """The raw values of a bound form, to show them again in an unbound one (no errors yet)."""
    return {name: form[name].value() for name in form.fields}


def referral_formset_with_more_rows(bound: BaseReferralFormSet) -> BaseReferralFormSet:
    """An unbound formset with the rows shown so far, as typed, and MORE_ROWS empty ones: how
    "Add more rows" works without JavaScript, without flagging rows the user has not finished.
    Rows keep their numbers; empty ones are still ignored on save."""
    return ReferralFormSet(
        initial=[typed_values(form) for form in bound.forms], client=bound.client
    )


class ThankYouForm(forms.Form):
    at = forms.DateTimeField(
        label="Sent on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your local time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("at"):
            self.initial["at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now():
            raise forms.ValidationError("That time is still to come: when did you send it?")
        return at
