"""Keyed hashes, voter tokens and the self-hosted challenge question.

Nothing here touches the database: the vote path authenticates a voter from a signed token and
asks a challenge from a signed question, so a crowd of votes costs no lookup per request."""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver

VOTER_TOKEN_SALT = "gongjian.rolemodels.voter"  # noqa: S105 (a salt, not a secret)
VOTER_TOKEN_MAX_AGE = 60 * 60 * 24 * 30
CHALLENGE_SALT = "gongjian.rolemodels.challenge"
CHALLENGE_MAX_AGE = 300
# A solved challenge lets this many more votes through the rate limit, for this many seconds.
CHALLENGE_PASS_VOTES = 30
CHALLENGE_PASS_SECONDS = 600

_PHONE = re.compile(r"1[3-9]\d{9}")


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, or None: spaces, dashes and +86 are dropped."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _PHONE.fullmatch(digits) else None


def _hmac(*parts: str) -> str:
    key = settings.ROLEMODELS_PHONE_KEY.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def phone_hash(phone: str) -> str:
    return _hmac("phone", phone)


def code_hash(phone_digest: str, code: str) -> str:
    return _hmac("code", phone_digest, code)


def device_hash(raw: str) -> str:
    return _hmac("device", raw)[:32] if raw else ""


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def voter_token(voter_id: int) -> str:
    """A signed token naming the voter, for API clients (the browser uses its session)."""
    return signing.TimestampSigner(salt=VOTER_TOKEN_SALT).sign(str(voter_id))


# Tokens whose signature this process has checked: token -> (voter id, when it expires). A crowd
# votes with the same few thousand tokens over and over, and checking the signature (two SHA-256
# and an HMAC) is the dearest step of a vote's own Python after the database and Redis. A token
# found here is one that passed the check below; it is dropped when it expires, exactly as the
# check would refuse it then. Bounded: emptied when full.
_checked: dict[str, tuple[int, float]] = {}
_CHECKED_MAX = 50_000


def voter_from_token(token: str) -> int | None:
    if not token or len(token) > 200:
        return None
    known = _checked.get(token)
    if known is not None:
        if time.time() < known[1]:
            return known[0]
        del _checked[token]
    try:
        value = signing.TimestampSigner(salt=VOTER_TOKEN_SALT).unsign(token, max_age=VOTER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()
    signed_at = signing.b62_decode(token.rsplit(":", 2)[1])  # "value:timestamp:signature", just checked
    _checked[token] = (int(value), signed_at + VOTER_TOKEN_MAX_AGE)
    return int(value)


@receiver(setting_changed)
def _forget_checked(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS"):  # a token signed with the old key is checked anew
        _checked.clear()


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_issue() -> Challenge:
    """A small sum to work out, signed so that the server keeps no state until it is answered."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=CHALLENGE_SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def challenge_solve(*, token: str, answer: str, subjects: list[str]) -> bool:
    """Check an answer; a right one (each question answers once) opens a pass for ``subjects``
    (the voter and the address) for the next few votes."""
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return False
    if not str(answer).strip().isdigit() or int(str(answer).strip()) != data["a"] + data["b"]:
        return False
    if not cache.add(f"rm:challenge-used:{data['n']}", 1, timeout=CHALLENGE_MAX_AGE + 10):
        return False
    for subject in subjects:
        cache.set(f"rm:pass:{subject}", CHALLENGE_PASS_VOTES, timeout=CHALLENGE_PASS_SECONDS)
    return True


def challenge_pass_use(subject: str) -> bool:
    """Use one vote of ``subject``'s pass; False when there is none left."""
    key = f"rm:pass:{subject}"
    try:
        left = cache.decr(key)
    except ValueError:
        return False
    return left >= 0
