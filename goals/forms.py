import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from .models import MAX_PER_WEEK, ActionItem, WeeklyTarget

NO_LINK = ""


class WeeklyTargetsForm(forms.Form):
    """One number a week for each kind of target; blank (or 0) for none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in WeeklyTarget.Kind:
            self.fields[kind.value] = forms.IntegerField(
                label=f"{kind.label} per week",
                required=False,
                min_value=0,
                max_value=MAX_PER_WEEK,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields[
            WeeklyTarget.Kind.OUTREACH
        ].help_text = "Different people written to for the first time; follow-ups do not count."
        self.fields[
            WeeklyTarget.Kind.CONVERSATIONS
        ].help_text = "Informational interviews marked as done."
        self.fields[
            WeeklyTarget.Kind.THANK_YOUS
        ].help_text = "Thank-yous marked as sent within 48 hours of the conversation."

    def per_week_by_kind(self) -> dict[str, int | None]:
        """{kind: number a week, or None for no target}."""
        return {kind: self.cleaned_data.get(kind) or None for kind in WeeklyTarget.Kind.values}


class ActionItemForm(forms.ModelForm):
    """Title, notes, a due date in the client's timezone, and at most one thing it is about:
    one of the client's contacts, companies or interviews, chosen from a single list."""

    about = forms.ChoiceField(label="About", required=False)

    class Meta:
        model = ActionItem
        fields = ["title", "notes", "due_on"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"title": "What to do"}

    def __init__(self, *args, client, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)
        self.instance.client = client
        self._linkable = _linkable(client)
        self.fields["about"].choices = _link_choices(self._linkable, client)
        self.fields[
            "about"
        ].help_text = (
            "Optional. The item then shows on that contact’s page or interview’s prep page."
        )
        # crispy-forms renders help texts as HTML: user data goes in escaped.
        self.fields["due_on"].help_text = format_html(
            "Optional. A date in {}’s timezone ({}).", client.first_name, client.timezone
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["about"] = _current_link(self.instance)

    @staticmethod
    def initial_about(query) -> dict:
        """The About choice a link asked for (`?contact=<pk>`, `?company=` or `?interview=`), as
        initial data; a pk that is not one of the client's is simply not among the choices."""
        for name in ActionItem.LINKS:
            pk = query.get(name, "")
            if pk.isdigit():
                return {"about": _link_value(name, int(pk))}
        return {}

    def clean_about(self):
        value = self.cleaned_data["about"]
        if value == NO_LINK:
            return None
        name, _, pk = value.partition(":")
        return name, self._linkable[name][int(pk)]  # one of the choices: the field checked

    def links(self) -> dict:
        """The item's three link fields, at most one of them set, as the services take them."""
        about = self.cleaned_data.get("about")
        return {name: about[1] if about and about[0] == name else None for name in ActionItem.LINKS}

    def service_kwargs(self) -> dict:
        return {
            "title": self.cleaned_data["title"],
            "notes": self.cleaned_data["notes"],
            "due_on": self.cleaned_data["due_on"],
            **self.links(),
        }


def _link_value(name: str, pk: int) -> str:
    """The value of one choice of the About list: read back only by ActionItemForm.clean_about."""
    return f"{name}:{pk}"


def _current_link(item: ActionItem) -> str:
    for name in ActionItem.LINKS:
        pk = getattr(item, f"{name}_id")
        if pk is not None:
            return _link_value(name, pk)
    return NO_LINK


def _linkable(client) -> dict[str, dict]:
    """The client's contacts, companies and interviews, by pk: one query each."""
    return {
        "contact": {c.pk: c for c in client.contacts.select_related("company").order_by("name")},
        "company": {c.pk: c for c in client.companies.order_by("name")},
        "interview": {
            i.pk: i for i in client.interviews.select_related("contact").order_by("-starts_at")
        },
    }


def _link_choices(linkable: dict, client) -> list:
    zone = zoneinfo.ZoneInfo(client.timezone)

    def interview_label(interview):
        local = timezone.localtime(interview.starts_at, zone)
        return f"Interview with {interview.contact.name}, {local:%d %b %Y}"

    def contact_label(contact):
        return f"{contact.name} ({contact.company.name})" if contact.company else contact.name

    groups = [
        ("Contacts", "contact", contact_label),
        ("Companies", "company", lambda company: company.name),
        ("Interviews", "interview", interview_label),
    ]
    choices = [(NO_LINK, "— nothing in particular —")]
    for group, name, label in groups:
        if linkable[name]:
            choices.append(
                (group, [(_link_value(name, pk), label(obj)) for pk, obj in linkable[name].items()])
            )
    return choices
