from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from accounts.models import User
from accounts.timezones import timezone_choices


class InvitationAcceptForm(SetPasswordMixin, forms.Form):
    """What an invited client fills in to get their login: name, timezone and a password, checked
    by the project's password validators like every other password form."""

    email = forms.EmailField(
        label="Your login email",
        disabled=True,
        required=False,
        help_text="Your coach invited you at this address; you will log in with it.",
        # Tells password managers which login the new password belongs to.
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    timezone = forms.ChoiceField(
        label="Your timezone",
        choices=timezone_choices,
        help_text="Reminders reach you at sensible local times in this timezone.",
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="Type the password again"
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["email"].initial = email

    def clean(self):
        self.validate_passwords()
        # The similarity validator compares the password with the login to be: its email and name.
        account = User(email=self.email, name=self.cleaned_data.get("name", ""))
        self.validate_password_for_user(account)
        return super().clean()
