"""Two-factor login (django-otp): who must have it, what "having it" means, and its changes.

- Two-factor is on for a user who has a confirmed authenticator (TOTP) device. Recovery codes
  (one StaticDevice of one-time tokens) come with it and go with it; alone they are nothing.
- It is required for staff (the admin sees every caseload), for every member of a practice whose
  admin requires it (`Practice.require_two_factor`) and, with REQUIRE_TWO_FACTOR_FOR_COACHES,
  for every coach: `two_factor_required` is the one place this is decided.
- A session is verified when django-otp's device id is in it: set by the code step of the login
  (accounts.views.login_code) or by the enrolment that just confirmed a code. The middleware
  (accounts.middleware.TwoFactorMiddleware) sends a user who must have two-factor and whose
  session is not verified to enrolment, or back to the login.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from typing import NamedTuple

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
# Codes one step (30 s) either side of the server's clock are accepted, as django-otp does.
TOTP_TOLERANCE = 1


def two_factor_required(user) -> bool:
    """Whether this user may use CoachDesk only after enrolling. Reads no database on a request:
    the login backend loads the membership and practice with the user."""
    if user.is_staff:
        return True
    if not user.is_coach:
        return False
    if settings.REQUIRE_TWO_FACTOR_FOR_COACHES:
        return True
    try:
        membership = user.membership
    except ObjectDoesNotExist:
        return False
    return membership.is_active and membership.practice.require_two_factor


def two_factor_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def without_two_factor(users):
    """The users of a queryset for whom two_factor_enabled is false, as one query."""
    authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.exclude(Exists(authenticator))


def session_is_verified(request) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Enrolment ------------------------------------------------------------------------------


def totp_new_key() -> str:
    """A new secret, hex as TOTPDevice.key stores it; kept in the session until confirmed."""
    return random_hex(20)


def totp_secret_text(key: str) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    secret = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(*, user, key: str) -> str:
    """The otpauth:// address the QR code holds (the format TOTPDevice.config_url writes)."""
    return TOTPDevice(user=user, key=key).config_url


def totp_qr_svg(config_url: str) -> str:
    """The QR code as inline SVG, drawn on the server (no script, no image service)."""
    # A box of 12 is 1.2 mm: about 5 cm across, on a white ground so phones read it in any theme.
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12)
    return image.to_string(encoding="unicode")


def totp_time_step(*, key: str, code: str) -> int | None:
    """The time step at which `code` is the key's code (within the tolerance), or None."""
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=TOTP_TOLERANCE):
        return None
    return totp.t()


class Enrolment(NamedTuple):
    device: TOTPDevice
    recovery_codes: list[str]  # shown once: after that only the database has them


@transaction.atomic
def two_factor_enrol(*, user, key: str, code: str) -> Enrolment:
    """Turns two-factor on with an authenticator whose code was just read back. The code is
    used up: the login after it needs a newer one."""
    step = totp_time_step(key=key, code=code)
    if step is None:
        raise ValidationError(
            "That code does not match. Check the time on your phone and enter the newest code.",
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=step)
    device.full_clean()
    device.save()
    return Enrolment(device, recovery_codes_regenerate(user=user))


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replaces the user's recovery codes: the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """Removes every device, so the user signs in with the password alone (or, where
    two-factor is required, enrols again at the next sign-in). The administrator's reset."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_turn_off(*, user) -> None:
    """The user's own choice, refused while two-factor is required for them."""
    if two_factor_required(user):
        raise ValidationError(
            "Two-factor login is required for your account, so it cannot be turned off.",
            code="required",
        )
    two_factor_reset(user=user)


# --- Sign-in --------------------------------------------------------------------------------


def normalize_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def authenticator_code_verify(*, user, code: str):
    """The confirmed authenticator that accepts this code, or None. A code is accepted once
    (django-otp keeps the last time step used), and each device slows down after failures."""
    code = "".join(code.split())
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if verified := verify_token(user, device.persistent_id, code):
            return verified
    return None


def recovery_code_verify(*, user, code: str):
    """The recovery-code device that accepted (and so deleted) this code, or None."""
    code = normalize_recovery_code(code)
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if verified := verify_token(user, device.persistent_id, code):
            return verified
    return None
