"""Writes for cases: intake and every step of the workflow. Each step is one function that checks
the actor's role and scope, moves the status with a conditional UPDATE (so of two people acting at
once only one wins), writes the timeline (:class:`CaseEvent`) and the audit trail, and notifies
the people concerned. A refused step raises ValidationError (bad input, wrong status) or
PermissionDenied (not the actor's case) and changes nothing."""

import contextlib
import contextvars
import datetime
import hashlib
import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjian.accounts.models import Membership, Role
from gongjian.cases import reference
from gongjian.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    CaseSupport,
    Category,
    Priority,
    hash_follow_token,
)
from gongjian.cases.policies import HANDLE, WORK
from gongjian.core import audit, fastsql, policy
from gongjian.core.notify import notify
from gongjian.core.uploads import clean_photo
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit

MAX_PHOTOS = 6
MAX_DESCRIPTION = 4000
# Mainland China, Hong Kong, Macao and Taiwan lie within this box (WGS-84).
CHINA_LAT = (Decimal("3.8"), Decimal("53.6"))
CHINA_LNG = (Decimal("73.4"), Decimal("135.1"))
NEARBY_METRES = 250
LOW_RATING = 2  # a rating at or below this may reopen the case

Status = Case.Status
Kind = CaseEvent.Kind

# --- Clock ---------------------------------------------------------------------------------------
# The demo loader replays a campaign's cases at their own dates; everything else runs at "now".
_clock: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("cases_clock", default=None)


def now() -> datetime.datetime:
    return _clock.get() or timezone.now()


@contextlib.contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    """Run the services inside as if it were ``moment`` (the demo loader replays history)."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


# --- Places and coordinates ----------------------------------------------------------------------


def _coordinate(value: Any, field: str, low: Decimal, high: Decimal, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("不是有效的数字。")
        return None
    if not number.is_finite():
        errors[field] = _("不是有效的数字。")
        return None
    world = Decimal(90) if field == "lat" else Decimal(180)
    if abs(number) > world:
        errors[field] = _("超出范围（纬度 ±90，经度 ±180）。")
        return None
    if not (low <= number <= high):
        errors[field] = _("坐标不在中国境内，请检查（WGS-84 经纬度）。")
        return None
    return number.quantize(Decimal("0.000001"))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


def place_nearest(*, lat: Decimal, lng: Decimal) -> Place | None:
    """The community or estate with coordinates nearest to the point (see
    :func:`gongjian.cases.reference.nearest_place`)."""
    return reference.nearest_place(lat=lat, lng=lng)


def _place_context(place: Place) -> tuple[Place | None, Place | None, Place | None]:
    """(community, district, nearest place with coordinates) among the place and its ancestors."""
    return reference.place_context(place)


# --- Numbers and tokens --------------------------------------------------------------------------


# One statement takes the day's next number: it creates the day's row or adds one to it, and
# returns the new value. In autocommit it is its own short transaction, so the row's lock is not
# held while the rest of the report is written; inside a caller's transaction it is part of it.
_COUNT_UP = 'ON CONFLICT ("day") DO UPDATE SET "last" = cases_casenumbercounter."last" + 1 RETURNING "last"'
_NEXT_NUMBER_SQL = f'INSERT INTO cases_casenumbercounter ("day", "last") VALUES (%s, 1) {_COUNT_UP}'  # noqa: S608 (constants)


# On PostgreSQL the same statement can also take the new case's id from its sequence, so that the
# case and the rows that point to it are written together in one round trip.
_NEXT_ID = "nextval(pg_get_serial_sequence('cases_case', 'id'))"
# A number taken in autocommit is a transaction of its own, and it need not wait for its commit to
# reach the disk: the report that uses it commits after it, synchronously, and PostgreSQL writes its
# log in order, so that commit makes the number's durable too. A crash in between can lose only a
# number that no stored case has. (Inside a caller's transaction it would apply to all of it: not there.)
_LAZY_COMMIT = "set_config('synchronous_commit', 'off', true)"
# The same upsert, which adds to the day's count only where the guard ``g`` found its row.
_GUARDED_NUMBER_SQL = (
    f'INSERT INTO cases_casenumbercounter ("day", "last") SELECT %s, 1 WHERE EXISTS (SELECT 1 FROM g) {_COUNT_UP}'  # noqa: S608
)


class Guard:
    """A one-row SELECT that a report depends on (Open311: that its api_key is live). It is read by
    the statement that takes the day's number, so it costs no round trip of its own; where it finds
    no row, no number is taken, nothing is written, and ``case_report`` raises
    :class:`Guard.Refused`. The row is given to the report's ``also``."""

    class Refused(Exception):
        pass

    def __init__(self, sql: str, params: Sequence[Any]) -> None:
        self.sql, self.params = sql, list(params)


def _next_number(
    moment: datetime.datetime, *, with_id: bool = False, guard: Guard | None = None
) -> tuple[str, int | None, tuple[Any, ...] | None]:
    """``ZZ`` + the local date + a five-digit sequence of the day, e.g. ``ZZ2023050900012``, and,
    ``with_id`` (PostgreSQL only), the id the new case will have, and the ``guard``'s row (raising
    Guard.Refused, with no number taken, where it has none). Concurrent reports never get the same
    number; a report that fails after taking its number leaves a gap in the day's numbers, never a
    duplicate."""
    day = timezone.localtime(moment).date()
    connection = transaction.get_connection()
    day_value = connection.ops.adapt_datefield_value(day)
    lazy = _LAZY_COMMIT if with_id and not connection.in_atomic_block else "NULL"
    # Run twice, the statement only skips a number and an id: it can be the connection's health check.
    with fastsql.prepared_cursor(repeatable=True) as cursor:
        if guard is not None and with_id:  # one statement: the guard, then the number only if it holds
            # Constants and the caller's SQL; the values are parameters.
            sql = f"WITH g AS ({guard.sql}), n AS ({_GUARDED_NUMBER_SQL}) "
            sql += f"SELECT n.last, {_NEXT_ID}, {lazy}, g.* FROM n, g"  # noqa: S608
            cursor.execute(sql, [*guard.params, day_value])
            found = cursor.fetchone()
            if found is None:
                raise Guard.Refused
            last, taken, row = found[0], found[1], tuple(found[3:])
        else:
            row = None
            if guard is not None:
                cursor.execute(guard.sql, guard.params)
                row = cursor.fetchone()
                if row is None:
                    raise Guard.Refused
            cursor.execute(_NEXT_NUMBER_SQL + (f", {_NEXT_ID}, {lazy}" if with_id else ""), [day_value])
            last, *rest = cursor.fetchone()
            taken = rest[0] if rest else None
    number = f"{settings.CASES_NUMBER_PREFIX}{day:%Y%m%d}{int(last):05d}"
    return number, int(taken) if taken is not None else None, row


def follow_token_new() -> str:
    return secrets.token_urlsafe(24)


_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")
_follow_around: dict[tuple[str, Any], tuple[str, str]] = {}


def follow_path(token: str) -> str:
    """The path of the private follow page for ``token``. Intake answers it with every report, so
    the path is reversed once per script prefix and URLconf, and a URL-safe token (as
    :func:`follow_token_new` makes them) put in its place."""
    if not _URLSAFE.fullmatch(token):
        return reverse("cases:follow", args=[token])
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    around = _follow_around.get(key)
    if around is None:
        head, _sep, tail = reverse("cases:follow", args=["TOKEN"]).rpartition("TOKEN")
        around = _follow_around[key] = (head, tail)
    return around[0] + token + around[1]


# --- People --------------------------------------------------------------------------------------


def _community_staff(case: Case) -> list[Any]:
    """Community staff and grid workers working in the case's community."""
    return reference.community_workers(case.community)


def _unit_liaisons(unit: Unit | None) -> list[Any]:
    if unit is None:
        return []
    rows = Membership.objects.filter(is_active=True, role=Role.UNIT_LIAISON, unit=unit).select_related("user")
    return [m.user for m in rows]


def _city_admins() -> list[Any]:
    rows = Membership.objects.filter(is_active=True, role=Role.CITY_ADMIN).select_related("user")
    return [m.user for m in rows]


def _actor_label(actor: Any, case: Case) -> str:
    """How the actor appears on the public timeline."""
    if actor is None:
        return _("系统")
    scope = policy.scope_for(actor)
    if scope.is_city_admin:
        return _("市文明办")
    if case.unit_id and case.unit_id in scope.unit_ids:
        return case.unit.display_name if case.unit else _("责任单位")
    if case.community_id in scope.community_ids:
        if Role.GRID_WORKER in scope.roles:
            return _("网格员")
        return _("社区工作人员")
    if scope.unit_ids:
        unit = Unit.objects.filter(pk__in=scope.unit_ids).first()
        return unit.display_name if unit else _("单位")
    return _("群众")


# --- Scope checks --------------------------------------------------------------------------------


def _check(actor: Any, action: str, case: Case) -> None:
    if actor is None or not policy.can(actor, action, case):
        raise PermissionDenied(_("您无权办理这件诉求。"))


def _move(
    case: Case,
    *,
    expected: Sequence[str],
    to: str,
    kind: str,
    actor: Any,
    note: str = "",
    unit: Unit | None = None,
    only_if: Q | None = None,
    **fields: Any,
) -> Case:
    """Move ``case`` from one of ``expected`` to ``to`` with one conditional UPDATE; if the row is
    no longer in an expected status (somebody else acted first), nothing changes and the actor
    is told what happened."""
    moment = now()
    values = {"status": to, "updated_at": moment, **fields}
    changed = Case.objects.filter(only_if or Q(), pk=case.pk, status__in=list(expected)).update(**values)
    if not changed:
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
        label = Status(current).label if current else _("已删除")
        raise ValidationError(
            {"status": _("这件诉求当前为“%(status)s”，不能执行此操作（可能已有他人办理）。") % {"status": label}},
            code="illegal_transition",
        )
    before = case.status
    for key, value in values.items():
        setattr(case, key, value)
    _event(case, kind=kind, actor=actor, note=note, unit=unit, at=moment)
    audit.record_event(
        f"cases.{kind}",
        instance=case,
        details={"status": [before, to], "note": note, **({"unit": unit.pk} if unit else {}), **_plain(fields)},
    )
    return case


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items() if not k.endswith("_at")}


def _fresh_deadline(case: Case) -> dict[str, Any]:
    """A case sent back or reopened is worked on again: its deadline starts over from now (重新计时)
    by its category and priority, and the deadline job warns and escalates it afresh."""
    return {"due_at": case.category.due_from(now(), case.priority), "warned_at": None, "overdue_at": None}


def _event(
    case: Case,
    *,
    kind: str,
    actor: Any,
    note: str = "",
    unit: Unit | None = None,
    at: datetime.datetime | None = None,
    label: str = "",
) -> CaseEvent:
    if not label and getattr(actor, "is_authenticated", False):
        # Stored in the site's language (the catalogue's source text); pages translate it on display.
        with translation.override(settings.LANGUAGE_CODE):
            label = _actor_label(actor, case)
    event = CaseEvent(
        case=case,
        kind=kind,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label,
        status=case.status,
        unit=unit,
        created_at=at or now(),
    )
    return fastsql.insert(event, defer=True)


def _reason(reason: str, field: str = "reason", *, required: bool = True) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写理由。")})
    if len(text) > 2000:
        raise ValidationError({field: _("不能超过 2000 个字。")})
    return text


def _case_url(case: Case) -> str:
    return reverse("cases:manage-detail", args=[case.pk])


def _mail_reporter(case: Case, subject: str, body: str) -> None:
    """Email an anonymous reporter who left an address (account holders get in-app notices)."""
    if not case.reporter_email or case.reporter_id:
        return
    address = case.reporter_email

    def send() -> None:
        with contextlib.suppress(Exception):  # a mail server that is down must not break the work
            send_mail(subject, body, None, [address], fail_silently=False)

    transaction.on_commit(send)


def _tell_reporter(case: Case, *, kind: str, title: str, body: str = "") -> None:
    if case.reporter_id:
        notify([case.reporter], kind=f"cases.{kind}", title=title, body=body, url=reverse("cases:mine"))
    _mail_reporter(case, title, body)


# --- Intake --------------------------------------------------------------------------------------


def _clean_photos(photos: Iterable[UploadedFile], *, existing: int = 0) -> list[ContentFile]:
    photos = list(photos)
    if existing + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}})
    cleaned = []
    for upload in photos:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            raise ValidationError({"photos": f"{upload.name}：{'；'.join(exc.messages)}"}) from exc
    return cleaned


def _store_photos(case: Case, cleaned: Sequence[ContentFile], *, stage: str, actor: Any, written: list[str]) -> None:
    """Write the photos; each stored file's name goes into ``written`` so that the caller can
    remove the files if its transaction fails."""
    for content in cleaned:
        photo = CasePhoto(case=case, stage=stage, uploaded_by=actor if _authenticated(actor) else None)
        photo.created_at = now()
        photo.image.save(content.name or "photo.jpg", content, save=False)
        written.append(photo.image.name or "")
        photo.save()


def _remove_files(names: list[str]) -> None:
    storage = CasePhoto._meta.get_field("image").storage  # type: ignore[attr-defined]
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def case_report(
    *,
    category: Any,
    description: str,
    place: Place | None = None,
    lat: Any = None,
    lng: Any = None,
    address: str = "",
    photos: Sequence[UploadedFile] = (),
    reporter: Any = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    source: str,
    client_ip: str | None = None,
    priority: str = Priority.NORMAL,
    also: Callable[[Case, tuple[Any, ...] | None], Any] | None = None,
    guard: Guard | None = None,
) -> Case:
    """File a new case and return it, with ``case.follow_token`` set to the reporter's private
    token (shown once; only its hash is stored). ``also`` is called with the new case and the
    ``guard``'s row inside the report's transaction (a channel's own record of the report, such as
    Open311's); a ``guard`` that finds no row refuses the report (Guard.Refused) after its fields
    are checked.

    Everything is checked before anything is written; a bad field raises ValidationError keyed by
    the field (``category``, ``description``, ``place``, ``lat``, ``lng``, ``address``,
    ``photos``, ``reporter_phone``, ``reporter_email``…) and stores nothing, not even photo files.
    Given only coordinates, the place is the nearest community or estate; given only a place,
    the coordinates are those of the place or its nearest located ancestor."""
    errors: dict[str, str] = {}
    if isinstance(category, Category):
        cat = category if category.active else None
    else:
        cat = reference.category_active(str(category or ""))
    if cat is None:
        errors["category"] = _("未知或已停用的诉求类别。")
    text = (description or "").strip()
    if not text:
        errors["description"] = _("请描述问题。")
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = _("问题描述不能超过 %(n)d 个字。") % {"n": MAX_DESCRIPTION}
    address = (address or "").strip()
    if len(address) > 200:
        errors["address"] = _("地址不能超过 200 个字。")
    lat_d = _coordinate(lat, "lat", *CHINA_LAT, errors)
    lng_d = _coordinate(lng, "lng", *CHINA_LNG, errors)
    if (lat_d is None) != (lng_d is None) and "lat" not in errors and "lng" not in errors:
        errors["lat" if lat_d is None else "lng"] = _("经度和纬度须同时填写。")
    if place is not None and PlaceKind.depth_of(place.kind) < PlaceKind.depth_of(PlaceKind.COMMUNITY):
        errors["place"] = _("请选择到社区或更具体的地点。")
    if place is None and lat_d is None and "lat" not in errors and "lng" not in errors:
        errors["place"] = _("请选择地点或在地图上标出位置。")
    reporter_name = (reporter_name or "").strip()
    reporter_phone = (reporter_phone or "").strip().replace(" ", "").replace("-", "")
    reporter_email = (reporter_email or "").strip()
    if len(reporter_name) > 50:
        errors["reporter_name"] = _("姓名不能超过 50 个字。")
    if reporter_phone and not (reporter_phone.lstrip("+").isdigit() and 5 <= len(reporter_phone) <= 20):
        errors["reporter_phone"] = _("请填写有效的电话号码。")
    if reporter_email:
        from django.core.validators import validate_email

        try:
            validate_email(reporter_email)
        except ValidationError:
            errors["reporter_email"] = _("请填写有效的电子邮箱。")
        if len(reporter_email) > 120:
            errors["reporter_email"] = _("电子邮箱过长。")
    if source not in Case.Source.values:
        errors["source"] = _("未知的来源。")
    if priority not in Priority.values:
        errors["priority"] = _("未知的紧急程度。")
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_photos(photos)

    community = district = None
    if place is not None:
        community, district, located = _place_context(place)
        if lat_d is None and located is not None:
            lat_d, lng_d = located.latitude, located.longitude
    else:
        assert lat_d is not None and lng_d is not None
        nearest = place_nearest(lat=lat_d, lng=lng_d)
        if nearest is None:
            raise ValidationError({"place": _("附近没有已登记的社区，请从列表中选择地点。")})
        place = nearest
        community, district, _located = _place_context(place)
    if community is None:
        raise ValidationError({"place": _("请选择到社区或更具体的地点。")})
    assert cat is not None

    raw_token = follow_token_new()
    moment = now()
    # On PostgreSQL the number is its own statement before the transaction, so concurrent reports
    # do not queue on the counter row; SQLite has one writer at a time anyway, and taking the
    # number inside saves a second commit.
    number, case_id, guarded = (
        ("", None, None)
        if transaction.get_connection().vendor == "sqlite"
        else _next_number(moment, with_id=True, guard=guard)
    )
    written: list[str] = []
    try:
        # The case and the rows that hang off it (timeline, audit, notifications, the channel's
        # own) go in one round trip on PostgreSQL, where the case's id is known beforehand, and as
        # one implicit transaction there unless photos make it a transaction of its own (their
        # rows are not deferred inserts); foreign keys are checked at commit.
        with transaction.atomic() if cleaned else contextlib.nullcontext(), fastsql.atomic():
            if not number:
                number, _no_id, guarded = _next_number(moment, guard=guard)
            case = Case(
                id=case_id,
                number=number,
                category=cat,
                status=Status.REPORTED,
                priority=priority,
                description=text,
                address=address,
                lat=lat_d,
                lng=lng_d,
                place=place,
                community=community,
                district=district,
                source=source,
                reporter=reporter if _authenticated(reporter) else None,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                reporter_email=reporter_email,
                follow_token_hash=hash_follow_token(raw_token),
                created_at=moment,
                updated_at=moment,
                due_at=cat.due_from(moment, priority),
            )
            fastsql.insert(case, defer=case_id is not None)
            _store_photos(case, cleaned, stage=CasePhoto.Stage.BEFORE, actor=reporter, written=written)
            label = ""
            if not _authenticated(reporter):
                with translation.override(settings.LANGUAGE_CODE):
                    label = str(Case.Source(source).label)
            _event(case, kind=Kind.REPORTED, actor=reporter, note="", at=moment, label=label)
            audit.record_event(
                "cases.reported",
                instance=case,
                details={"category": cat.code, "source": source, "place": place.pk, "client_ip": client_ip or ""},
            )
            staff = _community_staff(case)
            if staff:
                notify(
                    staff,
                    kind="cases.reported",
                    title=_("新诉求 %(number)s：%(category)s") % {"number": case.number, "category": cat.name},
                    body=text[:200],
                    url=_case_url(case),
                )
            if also is not None:
                also(case, guarded)
    except BaseException:
        _remove_files(written)
        raise
    case.follow_token = raw_token  # type: ignore[attr-defined]
    return case


def case_follow_token_reset(*, case: Case) -> str:
    """A new private token for the case (the old link stops working); returns the raw token."""
    raw = follow_token_new()
    Case.objects.filter(pk=case.pk).update(follow_token_hash=hash_follow_token(raw))
    case.follow_token_hash = hash_follow_token(raw)
    return raw


def client_key(*, user: Any, client_ip: str | None) -> str:
    basis = f"user:{user.pk}" if _authenticated(user) else f"ip:{client_ip or '?'}:{timezone.localdate()}"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{basis}".encode()).hexdigest()


@transaction.atomic
def case_me_too(*, case: Case, user: Any = None, client_ip: str | None = None) -> bool:
    """Join an unfinished case ("我也遇到") instead of filing a duplicate. Counts once per account, or
    per client address a day; returns whether this call counted."""
    if case.status not in Case.UNFINISHED_STATUSES or not case.category.is_public:
        raise ValidationError({"case": _("这件诉求已办结或不公开，不能再附议。")})
    key = client_key(user=user, client_ip=client_ip)
    try:
        with transaction.atomic():
            CaseSupport.objects.create(case=case, user=user if _authenticated(user) else None, client_key=key)
    except IntegrityError:
        return False
    Case.objects.filter(pk=case.pk).update(me_too_count=F("me_too_count") + 1)
    case.me_too_count += 1
    CaseEvent.objects.create(
        case=case, kind=Kind.ME_TOO, status=case.status, actor_label=gettext_noop("群众"), created_at=now()
    )
    return True


# --- Workflow ------------------------------------------------------------------------------------


def case_accept(*, case: Case, actor: Any, priority: str | None = None, note: str = "") -> Case:
    """受理: the community (or the city office) takes the case on; the priority may be set, which
    moves the deadline."""
    _check(actor, HANDLE, case)
    note = _reason(note, "note", required=False)
    fields: dict[str, Any] = {"accepted_at": now()}
    if priority is not None:
        if priority not in Priority.values:
            raise ValidationError({"priority": _("未知的紧急程度。")})
        fields["priority"] = priority
        fields["due_at"] = case.category.due_from(case.created_at, priority)
    with transaction.atomic():
        _move(
            case, expected=[Status.REPORTED], to=Status.ACCEPTED, kind=Kind.ACCEPTED, actor=actor, note=note, **fields
        )
        _tell_reporter(case, kind="accepted", title=_("您的诉求 %(n)s 已受理") % {"n": case.number})
    return case


def case_reject(*, case: Case, actor: Any, reason: str) -> Case:
    """不予受理, with the reason the reporter is told."""
    _check(actor, HANDLE, case)
    reason = _reason(reason)
    with transaction.atomic():
        _move(case, expected=[Status.REPORTED], to=Status.REJECTED, kind=Kind.REJECTED, actor=actor, note=reason)
        _tell_reporter(case, kind="rejected", title=_("您的诉求 %(n)s 不予受理") % {"n": case.number}, body=reason)
    return case


def suggested_unit(case: Case) -> Unit | None:
    """The unit a case goes to by default: the category's unit, or the community's paired unit in
    the latest campaign."""
    from gongjian.pairings.models import Pairing

    if case.category.use_paired_unit or case.category.default_unit_id is None:
        pairing = (
            Pairing.objects.filter(community_id=case.community_id, unit__is_active=True)
            .select_related("unit")
            .order_by("-campaign__year", "id")
            .first()
        )
        if pairing is not None:
            return pairing.unit
    return case.category.default_unit


def case_dispatch(*, case: Case, actor: Any, unit: Unit | None = None, note: str = "") -> Case:
    """派遣 an accepted case to a unit (by default :func:`suggested_unit`); its liaisons are told."""
    _check(actor, HANDLE, case)
    unit = unit or suggested_unit(case)
    if unit is None:
        raise ValidationError({"unit": _("请选择责任单位。")})
    if not unit.is_active:
        raise ValidationError({"unit": _("该单位已停用。")})
    note = _reason(note, "note", required=False)
    with transaction.atomic():
        _move(
            case,
            expected=[Status.ACCEPTED],
            to=Status.DISPATCHED,
            kind=Kind.DISPATCHED,
            actor=actor,
            note=note,
            unit=unit,
            unit_id=unit.pk,
            dispatched_at=now(),
        )
        case.unit = unit
        notify(
            _unit_liaisons(unit),
            kind="cases.dispatched",
            title=_("诉求 %(n)s 派遣给贵单位办理") % {"n": case.number},
            body=case.description[:200],
            url=_case_url(case),
        )
    return case


def case_redispatch(*, case: Case, actor: Any, unit: Unit, reason: str) -> Case:
    """改派: send a dispatched case to another unit, with a reason; both units are told."""
    _check(actor, HANDLE, case)
    reason = _reason(reason)
    if unit.pk == case.unit_id:
        raise ValidationError({"unit": _("已是该单位办理。")})
    if not unit.is_active:
        raise ValidationError({"unit": _("该单位已停用。")})
    previous = case.unit
    with transaction.atomic():
        _move(
            case,
            expected=[Status.DISPATCHED, Status.IN_PROGRESS],
            to=Status.DISPATCHED,
            kind=Kind.REDISPATCHED,
            actor=actor,
            note=reason,
            unit=unit,
            unit_id=unit.pk,
            dispatched_at=now(),
        )
        case.unit = unit
        notify(
            _unit_liaisons(unit),
            kind="cases.dispatched",
            title=_("诉求 %(n)s 改派给贵单位办理") % {"n": case.number},
            body=reason,
            url=_case_url(case),
        )
        notify(
            _unit_liaisons(previous),
            kind="cases.redispatched",
            title=_("诉求 %(n)s 已改派其他单位") % {"n": case.number},
            body=reason,
        )
    return case


def case_start(*, case: Case, actor: Any, note: str = "") -> Case:
    """处置中: the unit the case is dispatched to starts work."""
    _check(actor, WORK, case)
    note = _reason(note, "note", required=False)
    with transaction.atomic():
        _move(case, expected=[Status.DISPATCHED], to=Status.IN_PROGRESS, kind=Kind.STARTED, actor=actor, note=note)
    return case


def case_resolve(*, case: Case, actor: Any, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """已处置: the unit says what it did (a note, and photos of the fix); the community is asked to
    check it."""
    _check(actor, WORK, case)
    note = _reason(note, "note")
    existing = case.photos.filter(stage=CasePhoto.Stage.AFTER).count()
    cleaned = _clean_photos(photos, existing=existing)
    written: list[str] = []
    try:
        with transaction.atomic():
            _resolve_in_transaction(case, actor=actor, note=note, cleaned=cleaned, written=written)
    except BaseException:
        _remove_files(written)
        raise
    return case


def _resolve_in_transaction(
    case: Case, *, actor: Any, note: str, cleaned: Sequence[ContentFile], written: list[str]
) -> None:
    _move(
        case,
        expected=[Status.DISPATCHED, Status.IN_PROGRESS],
        to=Status.RESOLVED,
        kind=Kind.RESOLVED,
        actor=actor,
        note=note,
        resolved_at=now(),
    )
    _store_photos(case, cleaned, stage=CasePhoto.Stage.AFTER, actor=actor, written=written)
    notify(
        _community_staff(case),
        kind="cases.resolved",
        title=_("诉求 %(n)s 已处置，请核查") % {"n": case.number},
        body=note[:200],
        url=_case_url(case),
    )
    _tell_reporter(case, kind="resolved", title=_("您的诉求 %(n)s 已处置") % {"n": case.number}, body=note)


def case_verify(*, case: Case, actor: Any, note: str = "") -> Case:
    """核查通过: the community (or a grid worker) confirms the fix on the spot. The reporter is asked
    to rate it; the case closes when they do, or by itself after ``CASES_AUTO_CLOSE_HOURS``."""
    _check(actor, HANDLE, case)
    note = _reason(note, "note", required=False)
    with transaction.atomic():
        _move(
            case,
            expected=[Status.RESOLVED],
            to=Status.VERIFIED,
            kind=Kind.VERIFIED,
            actor=actor,
            note=note,
            verified_at=now(),
        )
        _tell_reporter(
            case,
            kind="verified",
            title=_("您的诉求 %(n)s 已办结，欢迎评价") % {"n": case.number},
            body=_("请通过上报时获得的跟踪链接为办理结果打分。"),
        )
        notify(
            _unit_liaisons(case.unit),
            kind="cases.verified",
            title=_("诉求 %(n)s 核查通过") % {"n": case.number},
            url=_case_url(case),
        )
    return case


def case_send_back(*, case: Case, actor: Any, reason: str) -> Case:
    """核查退回: the fix did not hold; the unit works on it again."""
    _check(actor, HANDLE, case)
    reason = _reason(reason)
    with transaction.atomic():
        _move(
            case,
            expected=[Status.RESOLVED],
            to=Status.IN_PROGRESS,
            kind=Kind.SENT_BACK,
            actor=actor,
            note=reason,
            resolved_at=None,
            **_fresh_deadline(case),
        )
        notify(
            _unit_liaisons(case.unit),
            kind="cases.sent_back",
            title=_("诉求 %(n)s 核查未通过，请继续处置") % {"n": case.number},
            body=reason,
            url=_case_url(case),
        )
    return case


def case_close(*, case: Case, actor: Any, note: str = "") -> Case:
    """结案 a verified case (the reporter's rating closes it too)."""
    if actor is not None:
        _check(actor, HANDLE, case)
    note = _reason(note, "note", required=False)
    with transaction.atomic():
        _move(
            case,
            expected=[Status.VERIFIED],
            to=Status.CLOSED,
            kind=Kind.CLOSED,
            actor=actor,
            note=note,
            closed_at=now(),
        )
    return case


def case_rate(*, case: Case, rating: int, comment: str = "", reopen: bool = False) -> Case:
    """The reporter rates the outcome (1–5 and a comment), once; the caller has proved they are the
    reporter (the private link or their account). A verified case closes. With a low rating
    (≤ ``LOW_RATING``) and ``reopen``, the case goes back to its unit instead."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("评分应为 1 到 5 分。")})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("评价不能超过 500 个字。")})
    if reopen and rating > LOW_RATING:
        raise ValidationError({"reopen": _("只有 %(n)d 分及以下的评价可以要求重新办理。") % {"n": LOW_RATING}})
    if case.rating is not None:
        raise ValidationError({"rating": _("这件诉求已经评价过了。")})
    moment = now()
    note = _("%(stars)d 分") % {"stars": rating} + (f"：{comment}" if comment else "")
    with transaction.atomic():
        if reopen:
            _move(
                case,
                expected=[Status.VERIFIED, Status.CLOSED],
                to=Status.DISPATCHED,
                kind=Kind.RATED,
                actor=None,
                note=note,
                only_if=Q(rating__isnull=True),
                rating=rating,
                rating_comment=comment,
                rated_at=moment,
                closed_at=None,
                resolved_at=None,
                verified_at=None,
                **_fresh_deadline(case),
            )
            _event(case, kind=Kind.REOPENED, actor=None, note=_("群众评价不满意，要求重新办理。"), unit=case.unit)
            notify(
                [*_unit_liaisons(case.unit), *_community_staff(case)],
                kind="cases.reopened",
                title=_("诉求 %(n)s 群众不满意，重新办理") % {"n": case.number},
                body=note,
                url=_case_url(case),
            )
        else:
            expected = [Status.VERIFIED, Status.CLOSED]
            fields: dict[str, Any] = {"rating": rating, "rating_comment": comment, "rated_at": moment}
            if case.status == Status.VERIFIED:
                fields["closed_at"] = moment
            _move(
                case,
                expected=expected,
                to=Status.CLOSED,
                kind=Kind.RATED,
                actor=None,
                note=note,
                only_if=Q(rating__isnull=True),
                **fields,
            )
            if rating <= LOW_RATING:
                notify(
                    [*_unit_liaisons(case.unit), *_community_staff(case)],
                    kind="cases.low_rating",
                    title=_("诉求 %(n)s 评价较低（%(r)d 分）") % {"n": case.number, "r": rating},
                    body=comment,
                    url=_case_url(case),
                )
    return case


def case_reopen(*, case: Case, actor: Any, reason: str) -> Case:
    """重新办理: staff send a verified or closed case back to its unit, with a reason."""
    _check(actor, HANDLE, case)
    reason = _reason(reason)
    with transaction.atomic():
        _move(
            case,
            expected=[Status.VERIFIED, Status.CLOSED],
            to=Status.DISPATCHED if case.unit_id else Status.ACCEPTED,
            kind=Kind.REOPENED,
            actor=actor,
            note=reason,
            closed_at=None,
            resolved_at=None,
            verified_at=None,
            **_fresh_deadline(case),
        )
        notify(
            _unit_liaisons(case.unit),
            kind="cases.reopened",
            title=_("诉求 %(n)s 重新办理") % {"n": case.number},
            body=reason,
            url=_case_url(case),
        )
    return case


def case_merge(*, case: Case, into: Case, actor: Any, reason: str) -> Case:
    """合并 a duplicate into another unfinished case, with a reason: the duplicate stops, its "me
    too" count and reporter join the other."""
    _check(actor, HANDLE, case)
    _check(actor, HANDLE, into)
    reason = _reason(reason)
    if into.pk == case.pk:
        raise ValidationError({"into": _("不能合并到自身。")})
    if into.status not in Case.UNFINISHED_STATUSES:
        raise ValidationError({"into": _("只能合并到未办结的诉求。")})
    with transaction.atomic():
        _move(
            case,
            expected=list(Case.UNFINISHED_STATUSES),
            to=Status.MERGED,
            kind=Kind.MERGED,
            actor=actor,
            note=_("合并到 %(n)s：%(reason)s") % {"n": into.number, "reason": reason},
            merged_into_id=into.pk,
            closed_at=now(),
        )
        case.merged_into = into
        Case.objects.filter(pk=into.pk).update(me_too_count=F("me_too_count") + 1 + case.me_too_count)
        into.me_too_count += 1 + case.me_too_count
        _event(into, kind=Kind.DUPLICATE_JOINED, actor=actor, note=_("并入重复诉求 %(n)s") % {"n": case.number})
        _tell_reporter(
            case,
            kind="merged",
            title=_("您的诉求 %(n)s 已与 %(m)s 合并办理") % {"n": case.number, "m": into.number},
        )
    return case


def case_recategorise(*, case: Case, actor: Any, category: Category, reason: str) -> Case:
    """改类: put an unfinished case in another category; its deadline follows the new category."""
    _check(actor, HANDLE, case)
    reason = _reason(reason)
    if not category.active:
        raise ValidationError({"category": _("该类别已停用。")})
    if category.pk == case.category_id:
        raise ValidationError({"category": _("已是该类别。")})
    previous = case.category
    due = category.due_from(case.created_at, case.priority)
    with transaction.atomic():
        status = case.status
        if status not in Case.UNFINISHED_STATUSES:
            raise ValidationError({"status": _("已办结的诉求不能改类。")})
        _move(
            case,
            expected=[status],
            to=status,
            kind=Kind.RECATEGORISED,
            actor=actor,
            note=f"{previous.name} → {category.name}：{reason}",
            category_id=category.pk,
            due_at=due,
            warned_at=None,
            overdue_at=None,
        )
        case.category = category
    return case


# --- Deadlines -----------------------------------------------------------------------------------


def _responsible(case: Case) -> list[Any]:
    if case.status in (Status.DISPATCHED, Status.IN_PROGRESS) and case.unit_id:
        return _unit_liaisons(case.unit)
    return _community_staff(case)


def cases_deadlines_run(*, at: datetime.datetime | None = None) -> dict[str, int]:
    """The deadline job: warn whoever holds each open case ``CASES_WARN_HOURS`` before its
    deadline, mark cases past it overdue and escalate them to the city admins, and close cases
    verified ``CASES_AUTO_CLOSE_HOURS`` ago that nobody rated. Each mark is taken with a
    conditional UPDATE, so running it twice (or in two processes) never tells anybody twice."""
    moment = at or now()
    warn_before = datetime.timedelta(hours=settings.CASES_WARN_HOURS)
    counts = {"warned": 0, "overdue": 0, "closed": 0}
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).select_related("unit", "community", "category")
    for case in open_cases.filter(warned_at__isnull=True, due_at__gt=moment, due_at__lte=moment + warn_before):
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, warned_at__isnull=True).update(warned_at=moment):
                continue
            case.warned_at = moment
            warning = _("距办理时限不足 %(h)d 小时。") % {"h": settings.CASES_WARN_HOURS}
            _event(case, kind=Kind.WARNED, actor=None, note=warning, at=moment)
            notify(
                _responsible(case),
                kind="cases.warned",
                title=_("诉求 %(n)s 即将到期（%(due)s）")
                % {"n": case.number, "due": timezone.localtime(case.due_at).strftime("%m-%d %H:%M")},
                body=case.description[:200],
                url=_case_url(case),
            )
            counts["warned"] += 1
    admins = _city_admins()
    for case in open_cases.filter(overdue_at__isnull=True, due_at__lte=moment):
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, overdue_at__isnull=True).update(overdue_at=moment):
                continue
            case.overdue_at = moment
            _event(case, kind=Kind.OVERDUE, actor=None, note=_("已超过办理时限，提交市文明办督办。"), at=moment)
            audit.record_event("cases.overdue", instance=case, details={"due_at": case.due_at})
            holder = case.unit.display_name if case.unit else case.community.name
            notify(
                [*admins, *_responsible(case)],
                kind="cases.overdue",
                title=_("诉求 %(n)s 已超期（%(holder)s）") % {"n": case.number, "holder": holder},
                body=case.description[:200],
                url=_case_url(case),
            )
            counts["overdue"] += 1
    stale = moment - datetime.timedelta(hours=settings.CASES_AUTO_CLOSE_HOURS)
    for case in Case.objects.filter(status=Status.VERIFIED, verified_at__lte=stale):
        with transaction.atomic(), contextlib.suppress(ValidationError):
            with clock_at(moment):
                case_close(case=case, actor=None, note=_("核查通过后未评价，自动结案。"))
            counts["closed"] += 1
    return counts


# --- Categories ----------------------------------------------------------------------------------

CATEGORY_FIELDS = (
    "code",
    "name",
    "klass",
    "group",
    "description",
    "keywords",
    "is_public",
    "active",
    "default_unit",
    "use_paired_unit",
    "hours_urgent",
    "hours_high",
    "hours_normal",
    "order",
)


@transaction.atomic
def category_save(*, category: Category | None = None, **fields: Any) -> Category:
    """Create or update a catalogue entry."""
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValidationError({k: _("未知字段。") for k in unknown})
    category = category or Category()
    for key, value in fields.items():
        setattr(category, key, value)
    category.full_clean()
    category.save()
    return category
