"""The check-in code shown on an activity's screen: a signed token for the current time step.

``token = "<step>.<signature>"`` where ``step = unix time // VOLUNTEER_QR_STEP_SECONDS`` and the
signature is an HMAC over the activity id and the step with a key derived from the data key. A
code is accepted during its own step and the next one, so a code scanned just before it changes
still works, and a photo of the code sent to a friend stops working within two steps."""

import datetime
import hashlib
import hmac
import io

import segno
from django.conf import settings
from django.urls import reverse

from gongjian.volunteers.protect import derived_key

VALID = "valid"
EXPIRED = "expired"
FORGED = "forged"


def step_seconds() -> int:
    return max(5, int(settings.VOLUNTEER_QR_STEP_SECONDS))


def step_of(now: datetime.datetime) -> int:
    return int(now.timestamp()) // step_seconds()


def _signature(activity_id: int, step: int) -> str:
    mac = hmac.new(derived_key("qr"), f"{activity_id}:{step}".encode(), hashlib.sha256)
    return mac.hexdigest()[:24]


def token_for(activity_id: int, now: datetime.datetime) -> str:
    step = step_of(now)
    return f"{step}.{_signature(activity_id, step)}"


def token_check(activity_id: int, token: str, now: datetime.datetime) -> str:
    """VALID, EXPIRED (a genuine code of an earlier step) or FORGED (anything else)."""
    step_text, _dot, signature = (token or "").partition(".")
    if not step_text.isdigit() or len(step_text) > 12 or not signature:
        return FORGED
    step = int(step_text)
    if not hmac.compare_digest(signature, _signature(activity_id, step)):
        return FORGED
    current = step_of(now)
    if step > current:
        return FORGED  # a code from the future was not made by this server's clock
    return VALID if current - step <= 1 else EXPIRED


def scan_url(activity_id: int, now: datetime.datetime) -> str:
    """The absolute URL the QR code carries (SITE_URL + the scan page + the token)."""
    path = reverse("volunteers:scan", args=[activity_id])
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={token_for(activity_id, now)}"


def qr_svg(url: str) -> str:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, omitsize=True)
    return buf.getvalue().decode()


def qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()
