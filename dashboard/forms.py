from urllib.parse import urlencode

from django import forms

PERIODS = [
    (30, "Last 30 days"),
    (90, "Last 90 days"),
    (180, "Last 6 months"),
    (365, "Last 12 months"),
]
DEFAULT_DAYS = 90


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Period", choices=PERIODS, coerce=int, initial=DEFAULT_DAYS, required=False
    )

    def days_or_default(self) -> int:
        """The period asked for, or the default when none or an unknown one is asked for (or
        only another field is wrong)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("days") or DEFAULT_DAYS


class PracticeFiguresForm(PeriodForm):
    """The practice home's filters: a period, and everyone or one of the listed coaches."""

    coach = forms.TypedChoiceField(label="Coach", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.coaches = {coach.pk: coach for coach in coaches}
        self.fields["coach"].choices = [
            ("", "Everyone"),
            *((coach.pk, coach.name) for coach in coaches),
        ]

    def chosen_coach(self):
        """The coach asked for, or None for everyone: also when the id is not one of the
        listed coaches (another practice's coach is never shown)."""
        self.is_valid()
        return self.coaches.get(getattr(self, "cleaned_data", {}).get("coach"))

    def as_query(self) -> str:
        """The filters as a query string, for the export link."""
        coach = self.chosen_coach()
        query = {"days": self.days_or_default(), **({"coach": coach.pk} if coach else {})}
        return urlencode(query)
