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
# the indexed lookup); the database also says whether last_used_at is due for an update. A POST
# that files a case asks it within the statement that takes the case's number (a cases Guard).
_KEY_SQL = (
    "SELECT id, name, prefix, (last_used_at IS NULL OR last_used_at < %s) AS stale FROM open311_apikey "
    "WHERE key_hash = %s AND revoked_at IS NULL"
)


class KeyRefused(Exception):
    """The api_key is unknown or revoked."""


def _key_params(raw: str, now: datetime.datetime) -> list[Any]:
    return [connection.ops.adapt_datetimefield_value(now - LAST_USED_RESOLUTION), hash_key(raw)]


def _key_used(row: tuple[Any, ...], now: datetime.datetime) -> None:
    """Mark the key of a _KEY_SQL row used, if that is due (at most once per LAST_USED_RESOLUTION)."""
    if row[3]:  # stale
        ApiKey.objects.filter(pk=row[0]).update(last_used_at=now)


def _key_found(row: tuple[Any, ...], now: datetime.datetime) -> ApiKey:
    """The key of a _KEY_SQL row, marked used if that is due."""
    _key_used(row, now)
    pk, name, prefix, _stale = row
    return ApiKey.from_db(connection.alias, ["id", "name", "prefix"], [pk, name, prefix])


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The live key ``raw`` is (its id, name and prefix loaded), or None (unknown, revoked, or not
    a plausible key). Marks the key used, at most once per LAST_USED_RESOLUTION."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_KEY_SQL, _key_params(raw, now))
        row = cursor.fetchone()
    return None if row is None else _key_found(row, now)


def request_create(
    *,
    api_key: ApiKey | str,
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
    sent beside it. ``api_key`` is the client's key as presented (checked here, in the statement
    that takes the case's number: KeyRefused where it is unknown or revoked, after the report's
    fields) or an ApiKey already checked. Raises the case service's ValidationError (keyed by case
    field) and changes nothing when the report is refused."""
    from gongjian.cases.services import Guard, case_report

    now = timezone.now()
    guard = None
    if isinstance(api_key, str):
        if not api_key or len(api_key) > MAX_KEY_LENGTH:
            raise KeyRefused
        guard = Guard(_KEY_SQL, _key_params(api_key, now))
    submissions: list[Submission] = []
    found: list[tuple[Any, ...]] = []

    def remember(case: Any, key_row: tuple[Any, ...] | None) -> None:
        if key_row is not None:
            found.append(key_row)
        submission = Submission(
            case=case,
            api_key_id=key_row[0] if key_row is not None else api_key.pk,  # type: ignore[union-attr]
            token=secrets.token_hex(16),
            media_url=media_url,
            device_id=device_id,
            account_id=account_id,
            attributes=attributes or {},
        )
        submissions.append(fastsql.insert(submission, defer=True))

    # The case and its Submission are written together, all or nothing; the day's case number is
    # taken before, so concurrent reports do not wait on the counter row.
    try:
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
            guard=guard,
        )
    except Guard.Refused as exc:
        raise KeyRefused from exc
    if found:
        # Only marked used where that is due: the request needs no ApiKey instance (whose
        # loading, an audited model's, would also snapshot it for the audit trail).
        _key_used(found[0], now)
    return case, submissions[0]
