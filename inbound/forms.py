from django import forms

from clients.models import Touch

from .models import InboundMessage


class ResolveForm(forms.Form):
    """Which contact an unmatched message was with, and what it was."""

    contact = forms.ModelChoiceField(queryset=None, empty_label="Choose a contact")
    kind = forms.ChoiceField(
        label="What it was", choices=Touch.Kind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, message: InboundMessage, from_client: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = message.client.contacts.select_related("company")
        self.fields["contact"].label_from_instance = lambda contact: (
            f"{contact.name} ({contact.company.name})" if contact.company else contact.name
        )
        self.fields["kind"].initial = Touch.Kind.OUTREACH if from_client else Touch.Kind.REPLY
