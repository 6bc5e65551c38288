"""Two-factor sign-in in tests: an authenticator app, as a key and the codes it shows."""

from __future__ import annotations

from django_otp.oath import TOTP, hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from journal.models import User
from journal.services.account import two_factor_enable


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    """The 6 digits an authenticator app holding `key` (hex) shows now (or a step later)."""
    return f"{totp(bytes.fromhex(key), t0=-30 * steps_ahead):06d}"


def with_two_factor(user: User) -> tuple[str, list[str]]:
    """Turn on two-factor sign-in for `user`, as the set-up page does: its key and recovery codes."""
    key = random_hex(20)
    codes = two_factor_enable(user=user, key=key, code=code_for(key), keep_session=None)
    return key, codes


def next_code(user: User) -> str:
    """A code the device takes now that the set-up's was used: the step after the last one used,
    or the current one, as the device counts steps. Its drift counts too: a set-up code that
    crossed a 30-second boundary on its way to the server leaves the device a step behind."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return f"{hotp(device.bin_key, max(device.last_t + 1, now), digits=device.digits):06d}"


def wrong_code(right: str) -> str:
    """Six digits that are not `right` (nor, but for a one-in-a-million chance, a neighbour)."""
    return f"{(int(right) + 1) % 1_000_000:06d}"
