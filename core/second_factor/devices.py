"""The second factor's devices: an authenticator app (TOTP) and ten one-time recovery codes.

Setting up keeps the new secret in the session until the first code proves the app has it; only
then is the device written (no write on a GET, and no half-made device left behind). Recovery
codes are django-otp's static tokens: each is deleted when used.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core import login_audit

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Authenticator app"  # django-otp's device names; the desk does not show them
RECOVERY_NAME = "Recovery codes"
TOLERANCE = 1  # a code from the step before or after is accepted too (clocks differ)


def issuer() -> str:
    """The name authenticator apps show beside the account (OTP_TOTP_ISSUER)."""
    return getattr(settings, "OTP_TOTP_ISSUER", "") or ""


def new_secret() -> str:
    """A new secret key, hex-encoded as TOTPDevice.key stores it (20 random bytes)."""
    return random_hex(20)


def unsaved_authenticator(user, secret: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=secret, name=AUTHENTICATOR_NAME, confirmed=False)


def secret_for_typing(secret: str) -> str:
    """The key as an authenticator app asks for it when typed by hand: base32, in groups of 4."""
    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, dark on white in either theme."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title=_("QR code for your authenticator app"),
        svgclass="second-factor-qr",
    )


def confirm_authenticator(user, secret: str, code: str) -> TOTPDevice | None:
    """The account's authenticator app, saved, when `code` is the secret's current code."""
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), tolerance=TOLERANCE)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = unsaved_authenticator(user, secret)
        device.confirmed = True
        device.last_t = totp.t()  # this code is used: it cannot sign in again
        device.drift = totp.drift
        device.save()
    return device


def new_recovery_codes(user) -> list[str]:
    """Ten new one-time recovery codes for the account, replacing any it had."""
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def typed_recovery_code(value: str) -> str:
    """A recovery code as stored, from what a person typed (spaces, dashes, capitals)."""
    return "".join(char for char in value if char.isalnum()).lower()


def for_display(code: str) -> str:
    """A recovery code in two groups of four, easier to copy by hand."""
    return f"{code[:4]} {code[4:]}"


def remove_all(user) -> int:
    """Deletes every second-factor device of the account; returns how many there were."""
    removed = 0
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
    return removed


def reset(user, *, by: str) -> int:
    """A superuser's reset for a lost phone: the account's app and recovery codes are removed,
    so that its next sign-in sets up a new app. Logged; returns how many devices went."""
    removed = remove_all(user)
    login_audit.second_factor_reset(user, by, removed)
    return removed
