"""Writes of the Open311 app: issuing and revoking API keys, checking a presented key, and
turning an Open311 POST into a case (through :func:`gongjian.cases.services.case_report`)."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import audit, fastsql
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


# Asked on every Open311 POST, so a plain statement (the ORM's compiled SELECT costs more than
# the indexed lookup); the database also says whether last_used_at is due for an update.
_KEY_SQL = (
    "SELECT id, name, prefix, (last_used_at IS NULL OR last_used_at < %s) FROM open311_apikey "
    "WHERE key_hash = %s AND revoked_at IS NULL"
)


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The live key ``raw`` is (its id, name and prefix loaded), or None (unknown, revoked, or not
    a plausible key). Marks the key used, at most once per LAST_USED_RESOLUTION."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_KEY_SQL, [connection.ops.adapt_datetimefield_value(now - LAST_USED_RESOLUTION), hash_key(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, name, prefix, stale = row
    key = ApiKey.from_db(connection.alias, ["id", "name", "prefix"], [pk, name, prefix])
    if stale:
        ApiKey.objects.filter(pk=pk).update(last_used_at=now)
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

    submissions: list[Submission] = []

    def remember(case: Any) -> None:
        submission = Submission(
            case=case,
            api_key=api_key,
            token=secrets.token_hex(16),
            media_url=media_url,
            device_id=device_id,
            account_id=account_id,
            attributes=attributes or {},
        )
        submissions.append(fastsql.insert(submission, defer=True))  # type: ignore[arg-type]

    # The case and its Submission are written in the report's one transaction; the day's case
    # number is taken before it, so concurrent reports do not wait on the counter row.
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
        also=remember,
    )
    submission = submissions[0]
    return case, submission
