"""Personal numbers (phone, ID card) at rest: encrypted with Fernet, looked up by a keyed hash,
shown masked. Keys are derived from ``VOLUNTEER_DATA_KEY`` (or, if unset, ``SECRET_KEY``), with a
different label for each use, so one leaked derivative does not give away another."""

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_RE = re.compile(r"1[3-9]\d{9}")
ID_RE = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def _master() -> bytes:
    return (getattr(settings, "VOLUNTEER_DATA_KEY", "") or settings.SECRET_KEY).encode()


def derived_key(label: str) -> bytes:
    """32 bytes for ``label`` (``fernet``, ``lookup``, ``qr``…), derived from the master key."""
    return hmac.new(_master(), f"gongjian.volunteers.{label}".encode(), hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key("fernet")))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # the key changed: show that, never crash the page
        return "（无法解密）"


def lookup_hash(kind: str, value: str) -> str:
    """The keyed hash of a normalised number: equal numbers give equal hashes, and without the key
    a hash cannot be tested against guesses (a phone number has only ~10^10 values)."""
    return hmac.new(derived_key("lookup"), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest() if value else ""


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s-]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE_RE.fullmatch(digits):
        raise ValidationError({"phone": _("手机号应为 11 位数字，以 1 开头。")})
    return digits


def normalise_id_number(raw: str) -> str:
    """An 18-character resident ID number (GB 11643-1999), checked digit included; empty allowed."""
    value = (raw or "").strip().upper()
    if not value:
        return ""
    if not ID_RE.fullmatch(value):
        raise ValidationError({"id_number": _("身份证号应为 18 位，最后一位可以是 X。")})
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise ValidationError({"id_number": _("身份证号校验位不正确。")})
    return value


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else ("*" * len(value))


def id_number_with_check(first17: str) -> str:
    """Complete 17 digits with their check character (demo data and tests)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]
