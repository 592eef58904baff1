from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from . import throttling, two_factor
from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an account. Check both and try again."
        ),
    }


def one_time_code_widget(*, numeric: bool) -> forms.TextInput:
    attrs = {
        "autofocus": True,
        "autocomplete": "one-time-code",
        "autocapitalize": "none",
        "spellcheck": "false",
    }
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.TextInput(attrs=attrs)


class AuthenticatorCodeField(forms.CharField):
    """Six digits; spaces are ignored (some apps show "123 456")."""

    def __init__(self, **kwargs):
        super().__init__(
            label="6-digit code",
            max_length=12,
            help_text="The code your authenticator app shows for CoachDesk now.",
            widget=one_time_code_widget(numeric=True),
            error_messages={"required": "Enter the 6-digit code from your authenticator app."},
            **kwargs,
        )

    def clean(self, value):
        code = "".join(super().clean(value).split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                "Enter the 6 digits your authenticator app shows, without letters.",
                code="format",
            )
        return code


class SecondStepForm(forms.Form):
    """The code step of a login: the account is known from the password step. A wrong code
    counts against the login throttling (accounts/throttling.py), as a wrong password does."""

    wrong_code_message = ""

    def __init__(self, *args, request, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        self.device = None

    def verify(self, code):
        """The device `code` verifies for the user, or None. Each step's form (authenticator
        code, recovery code) says which devices it asks."""
        raise NotImplementedError("a code step's form says which devices it verifies")

    def clean(self):
        code = self.cleaned_data.get("code")
        if code:
            self.device = self.verify(code)
            if self.device is None:
                throttling.second_step_failed(self.request, self.user)
                raise forms.ValidationError(self.wrong_code_message, code="wrong_code")
        return self.cleaned_data


class AuthenticatorLoginForm(SecondStepForm):
    code = AuthenticatorCodeField()

    wrong_code_message = (
        "That code did not work. Enter the newest code from your authenticator app; "
        "after several wrong codes, wait a minute before the next try."
    )

    def verify(self, code):
        return two_factor.authenticator_code_verify(user=self.user, code=code)


class RecoveryCodeLoginForm(SecondStepForm):
    code = forms.CharField(
        label="Recovery code",
        max_length=40,
        help_text="One of the recovery codes you kept when you set up two-factor login. "
        "Each code works once.",
        widget=one_time_code_widget(numeric=False),
        error_messages={"required": "Enter one of your recovery codes."},
    )

    wrong_code_message = (
        "That recovery code did not work. It may have been used already: each code works once."
    )

    def verify(self, code):
        return two_factor.recovery_code_verify(user=self.user, code=code)


class PasswordConfirmForm(forms.Form):
    """Asks again for the password before a change to how the account signs in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your current password.", code="password_incorrect"
            )
        return password


class TwoFactorSetupForm(PasswordConfirmForm):
    """The first code from the new authenticator; the password too when it replaces one."""

    code = AuthenticatorCodeField()

    field_order = ["code", "password"]

    def __init__(self, *args, user, ask_password, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)
        if not ask_password:
            del self.fields["password"]


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "role", "timezone")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
