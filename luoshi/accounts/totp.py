"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), written
with the standard library, and the encryption of the secrets at rest.

A code is accepted for the current step and one step either side (clock drift between the
phone and the server); the caller refuses a step it has already accepted (no replay).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import struct
import unicodedata
from urllib.parse import quote, urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect (RFC 4226 recommends 160)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def step_at(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def ascii_digits(code: str) -> str:
    """Full-width (１２３) and other script's decimal digits (١٢٣) as ASCII: a phone's input method
    may type them. Anything else is left alone (and then fails the check)."""
    return "".join(str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
                   for char in code)


def matching_step(secret: str, code: str, moment: dt.datetime) -> int | None:
    """The step (current ±1) whose code is `code`, or None. Spaces in the code are ignored."""
    code = ascii_digits("".join(code.split()))
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read from a QR code."""
    label = quote(f"{issuer}:{username}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code, drawn on the server (segno; nothing is fetched)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, border=2, omitsize=True, dark="#1f2329", light="#ffffff")


# --- secrets at rest -------------------------------------------------------------------------
# Encrypted with a key derived from LUOSHI_TOTP_KEY (or SECRET_KEY), so a database backup
# alone does not give away anyone's second factor.


def _fernet() -> Fernet:
    material = getattr(settings, "LUOSHI_TOTP_KEY", "") or settings.SECRET_KEY
    key = hashlib.sha256(b"luoshi-totp-secret:" + material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(token: str) -> str | None:
    """The secret, or None when the key changed since it was stored (the user re-enrols)."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None
