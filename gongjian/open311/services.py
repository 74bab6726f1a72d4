"""Writes of the Open311 app: issuing and revoking API keys, checking a presented key, and
turning an Open311 POST into a case (through :func:`gongjian.cases.services.case_report`)."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import audit
from gongjian.open311.models import ApiKey, Submission, hash_key

KEY_PREFIX = "o311_"
MAX_KEY_LENGTH = 100
# last_used_at is written at most this often per key, so a busy client does not turn every
# request into an UPDATE of the same row.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def api_key_issue(*, name: str, actor: Any, raw: str | None = None) -> tuple[str, ApiKey]:
    """Issue a key for the client ``name``. Returns the key itself, to be shown once, and its row
    (which stores only the key's SHA-256). ``raw`` fixes the key (the demo's ``demo-open311-key``)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写使用方名称。")})
    if len(name) > 100:
        raise ValidationError({"name": _("使用方名称不能超过 100 个字。")})
    raw = raw or KEY_PREFIX + secrets.token_urlsafe(32)
    if ApiKey.objects.filter(key_hash=hash_key(raw)).exists():
        raise ValidationError({"name": _("该密钥已存在。")})
    key = ApiKey.objects.create(
        name=name, key_hash=hash_key(raw), prefix=raw[:12], issued_by=actor if actor and actor.pk else None
    )
    audit.record_event("open311.key_issued", instance=key, details={"name": name, "prefix": key.prefix})
    return raw, key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Any) -> ApiKey:
    """Revoke ``key`` for good: from now on every request carrying it is refused (403)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError(_("该密钥已被吊销。"))
    key.revoked_at = timezone.now()
    key.revoked_by = actor if actor and actor.pk else None
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit.record_event("open311.key_revoked", instance=key, details={"name": key.name, "prefix": key.prefix})
    return key


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The live key ``raw`` is, or None (unknown, revoked, or not a plausible key)."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    key = ApiKey.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def request_create(
    *,
    api_key: ApiKey,
    category: Any,
    description: str,
    place: Any = None,
    lat: Any = None,
    lng: Any = None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    media_url: str = "",
    device_id: str = "",
    account_id: str = "",
    attributes: dict[str, Any] | None = None,
    client_ip: str | None = None,
) -> tuple[Any, Submission]:
    """Create a case from an Open311 POST (``source="open311"``), and remember what GeoReport
    sent beside it. Raises the case service's ValidationError (keyed by case field) and changes
    nothing when the report is refused."""
    from gongjian.cases.services import case_report

    with transaction.atomic():
        case = case_report(
            category=category,
            description=description,
            place=place,
            lat=lat,
            lng=lng,
            address=address,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_email=reporter_email,
            source="open311",
            client_ip=client_ip,
        )
        submission = Submission.objects.create(
            case=case,
            api_key=api_key,
            token=secrets.token_hex(16),
            media_url=media_url,
            device_id=device_id,
            account_id=account_id,
            attributes=attributes or {},
        )
    return case, submission
