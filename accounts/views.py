"""The login with its second step, and the pages where a user manages two-factor login.

The password step does not log in a user who has two-factor on: it keeps who they are in the
session for PENDING_LOGIN_SECONDS, and only the code step calls Django's `login()`. So a
session never holds a half-signed-in user, and django-axes clears an account's failure count
(on `user_logged_in`) only when both steps have passed.
"""

import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from . import throttling, two_factor
from .forms import (
    AuthenticatorLoginForm,
    EmailAuthenticationForm,
    PasswordConfirmForm,
    RecoveryCodeLoginForm,
    TwoFactorSetupForm,
)

PENDING_LOGIN_KEY = "accounts:pending_login"
PENDING_LOGIN_SECONDS = 5 * 60
# The secret being set up, until a code from it is confirmed.
SETUP_KEY_SESSION_KEY = "accounts:totp_setup_key"
# Recovery codes just made, until the page that shows them once is opened.
FRESH_CODES_SESSION_KEY = "accounts:fresh_recovery_codes"
FEW_RECOVERY_CODES = 3


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.two_factor_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user_id": user.pk,
            "backend": user.backend,
            # Checked against ALLOWED_HOSTS by LoginView, as for a login without a code.
            "redirect_to": self.get_success_url(),
            "started_at": time.time(),
        }
        return redirect("login_code")


def _pending_user(request):
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending["started_at"] > PENDING_LOGIN_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()


def _second_step(request, form_class, template_name, *, on_success=None):
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_LOGIN_KEY, None)
        messages.info(request, "Log in with your email and password first.")
        return redirect("login")
    if not throttling.second_step_allowed(request, user):
        request.session.pop(PENDING_LOGIN_KEY)
        return throttling.second_step_lockout_response(request, user)
    form = form_class(request.POST or None, request=request, user=user)
    if request.method == "POST" and form.is_valid():
        pending = request.session.pop(PENDING_LOGIN_KEY)
        auth_login(request, user, backend=pending["backend"])
        otp_login(request, form.device)
        if on_success:
            on_success(request)
        return redirect(pending["redirect_to"])
    return render(request, template_name, {"form": form})


@never_cache
@sensitive_post_parameters("code")
def login_code(request):
    return _second_step(request, AuthenticatorLoginForm, "registration/login_code.html")


@never_cache
@sensitive_post_parameters("code")
def login_recovery(request):
    return _second_step(
        request,
        RecoveryCodeLoginForm,
        "registration/login_recovery.html",
        on_success=_say_recovery_codes_left,
    )


def _say_recovery_codes_left(request):
    left = two_factor.recovery_codes_left(request.user)
    messages.add_message(
        request,
        messages.WARNING if left <= FEW_RECOVERY_CODES else messages.INFO,
        f"You used a recovery code: {left} left. If your phone is lost, set up two-factor "
        "login on a new one (Two-factor login, in your account menu).",
    )


# --- The user's own two-factor pages --------------------------------------------------------


@login_required
@never_cache
def two_factor_overview(request):
    user = request.user
    enabled = two_factor.two_factor_enabled(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": enabled,
            "required": two_factor.two_factor_required(user),
            "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("code", "password")
def two_factor_setup(request):
    """Also moves two-factor to a new phone: then the password is asked for too, as for
    turning it off."""
    replacing = two_factor.two_factor_enabled(request.user)
    key = request.session.setdefault(SETUP_KEY_SESSION_KEY, two_factor.totp_new_key())
    form = TwoFactorSetupForm(request.POST or None, user=request.user, ask_password=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = two_factor.two_factor_enrol(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[SETUP_KEY_SESSION_KEY]
            otp_login(request, enrolment.device)
            request.session[FRESH_CODES_SESSION_KEY] = enrolment.recovery_codes
            messages.success(
                request,
                "Two-factor login is on with your new phone."
                if replacing
                else "Two-factor login is on.",
            )
            return redirect("two_factor_recovery_codes")
    config_url = two_factor.totp_config_url(user=request.user, key=key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "required": two_factor.two_factor_required(request.user),
            "replacing": replacing,
            "secret": two_factor.totp_secret_text(key),
            "qr_svg": two_factor.totp_qr_svg(config_url),
        },
    )


@login_required
@never_cache
def two_factor_recovery_codes(request):
    """Shows recovery codes just made, once: reloading the page does not show them again."""
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


def _password_confirmed_change(request, *, change, template_name, context):
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return change()
    return render(request, template_name, {"form": form, **context})


@login_required
@never_cache
@sensitive_post_parameters("password")
def two_factor_regenerate(request):
    if not two_factor.two_factor_enabled(request.user):
        return redirect("two_factor")

    def regenerate():
        codes = two_factor.recovery_codes_regenerate(user=request.user)
        request.session[FRESH_CODES_SESSION_KEY] = codes
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect("two_factor_recovery_codes")

    return _password_confirmed_change(
        request,
        change=regenerate,
        template_name="accounts/two_factor_confirm.html",
        context={
            "heading": "New recovery codes",
            "intro": "Your current recovery codes will stop working, and you will see ten "
            "new ones once.",
            "submit_label": "Make new recovery codes",
            "danger": False,
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("password")
def two_factor_disable(request):
    user = request.user
    if not two_factor.two_factor_enabled(user):
        return redirect("two_factor")
    if two_factor.two_factor_required(user):
        messages.error(request, "Two-factor login is required for your account.")
        return redirect("two_factor")

    def turn_off():
        try:
            two_factor.two_factor_turn_off(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("two_factor")
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, "Two-factor login is off: you log in with your password only.")
        return redirect("two_factor")

    return _password_confirmed_change(
        request,
        change=turn_off,
        template_name="accounts/two_factor_confirm.html",
        context={
            "heading": "Turn off two-factor login",
            "intro": "After this you log in with your password only, and your authenticator "
            "app and recovery codes no longer work for CoachDesk.",
            "submit_label": "Turn off two-factor login",
            "danger": True,
        },
    )
