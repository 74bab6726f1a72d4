"""Writes for volunteers, teams, activities, sign-ups, attendance and hours.

Every function validates first and raises ``ValidationError`` naming the field (in Chinese),
changing nothing; the rest happens in one transaction. Sign-ups and check-ins lock the activity
row, and every write of a service record locks the volunteer row, so the waitlist is promoted in
order and one person's records never overlap, even under concurrent requests."""

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.models import User
from gongjian.accounts.services import user_create
from gongjian.core import audit
from gongjian.core.jobs import Progress
from gongjian.core.sheets import RowError, SheetInvalid, read_sheet
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit
from gongjian.volunteers import checkin, protect
from gongjian.volunteers.models import (
    Activity,
    HourRule,
    RecordEntry,
    ServiceRecord,
    Signup,
    Statement,
    Team,
    Volunteer,
)
from gongjian.volunteers.selectors import hour_rule_current

# --- Volunteers ----------------------------------------------------------------------------------


def _district_of(community: Place | None) -> Place | None:
    if community is None:
        return None
    ids = community.ancestor_ids
    return Place.objects.filter(pk__in=ids, kind=PlaceKind.DISTRICT).first() if ids else None


def _check_places(*, community: Place | None) -> None:
    if community is not None and community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("居住社区必须是社区一级。")})


def _set_numbers(volunteer: Volunteer, *, phone: str, id_number: str) -> None:
    phone = protect.normalise_phone(phone)
    id_number = protect.normalise_id_number(id_number)
    phone_hash = protect.lookup_hash("phone", phone)
    id_hash = protect.lookup_hash("id", id_number)
    others = Volunteer.objects.exclude(pk=volunteer.pk) if volunteer.pk else Volunteer.objects.all()
    if others.filter(phone_hash=phone_hash).exists():
        raise ValidationError({"phone": _("该手机号已登记为志愿者。")})
    if id_hash and others.filter(id_number_hash=id_hash).exists():
        raise ValidationError({"id_number": _("该身份证号已登记为志愿者。")})
    volunteer.phone_encrypted = protect.encrypt(phone)
    volunteer.phone_hash = phone_hash
    volunteer.phone_masked = protect.mask_phone(phone)
    volunteer.id_number_encrypted = protect.encrypt(id_number)
    volunteer.id_number_hash = id_hash
    volunteer.id_number_masked = protect.mask_id_number(id_number)


@transaction.atomic
def volunteer_create(
    *,
    name: str,
    phone: str,
    id_number: str = "",
    is_party_member: bool = False,
    unit: Unit | None = None,
    community: Place | None = None,
    user: Any = None,
    source: str = Volunteer.Source.ORGANISER,
) -> Volunteer:
    """Register a volunteer. Phone and ID number are checked (format, ID check digit, not yet
    registered), then stored encrypted with a keyed hash and a masked copy."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    if len(name) > 50:
        raise ValidationError({"name": _("姓名不能超过 50 个字。")})
    if is_party_member and unit is None:
        raise ValidationError({"unit": _("在职党员须填写工作单位。")})
    _check_places(community=community)
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise ValidationError({"user": _("该账号已关联一名志愿者。")})
    volunteer = Volunteer(
        name=name,
        is_party_member=is_party_member,
        unit=unit,
        community=community,
        district=_district_of(community),
        user=user,
        source=source,
    )
    _set_numbers(volunteer, phone=phone, id_number=id_number)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:  # a concurrent request registered the same number first
        raise ValidationError({"phone": _("该手机号或身份证号已登记为志愿者。")}) from exc
    return volunteer


VOLUNTEER_FIELDS = ("name", "is_party_member", "unit", "community", "is_active")


@transaction.atomic
def volunteer_update(
    *, volunteer: Volunteer, phone: str | None = None, id_number: str | None = None, **fields: Any
) -> Volunteer:
    for key, value in fields.items():
        if key not in VOLUNTEER_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(volunteer, key, value)
    if not volunteer.name.strip():
        raise ValidationError({"name": _("请填写姓名。")})
    if volunteer.is_party_member and volunteer.unit_id is None:
        raise ValidationError({"unit": _("在职党员须填写工作单位。")})
    _check_places(community=volunteer.community)
    volunteer.district = _district_of(volunteer.community)
    if phone is not None or id_number is not None:
        _set_numbers(
            volunteer,
            phone=phone if phone is not None else protect.decrypt(volunteer.phone_encrypted),
            id_number=id_number if id_number is not None else protect.decrypt(volunteer.id_number_encrypted),
        )
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_register(
    *,
    username: str,
    password: str,
    name: str,
    phone: str,
    id_number: str = "",
    is_party_member: bool = False,
    unit: Unit | None = None,
    community: Place | None = None,
) -> Volunteer:
    """Public self sign-up: a new account and its volunteer, together or not at all."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")})
    try:
        validate_password(password, User(username=username, display_name=name))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = user_create(username=username, password=password, display_name=name.strip())
    return volunteer_create(
        name=name,
        phone=phone,
        id_number=id_number,
        is_party_member=is_party_member,
        unit=unit,
        community=community,
        user=user,
        source=Volunteer.Source.SELF,
    )


@transaction.atomic
def volunteer_claim(
    *, user: Any, name: str, phone: str, id_number: str = "", is_party_member: bool = False, **places: Any
) -> Volunteer:
    """A signed-in user with no volunteer yet registers as one (an account links to one volunteer)."""
    return volunteer_create(
        name=name,
        phone=phone,
        id_number=id_number,
        is_party_member=is_party_member,
        user=user,
        source=Volunteer.Source.SELF,
        **places,
    )


VOLUNTEER_COLUMNS = ["姓名", "手机号"]
VOLUNTEER_OPTIONAL = ["身份证号", "在职党员", "工作单位", "居住社区", "服务队"]
_YES = {"是", "Y", "YES", "1", "TRUE", "党员"}
_NO = {"", "否", "N", "NO", "0", "FALSE"}


def volunteer_import(*, upload: File, progress: Progress | None = None) -> dict[str, int]:
    """Import volunteers from a sheet (姓名, 手机号; optionally 身份证号, 在职党员 是/否, 工作单位,
    居住社区, 服务队). Every row is checked first, against the database and against the other
    rows; any bad row means nothing is written and every bad row is reported."""
    sheet = read_sheet(upload, required=VOLUNTEER_COLUMNS, optional=VOLUNTEER_OPTIONAL)
    report = progress or (lambda done, total, stage: None)
    units = {u.name: u for u in Unit.objects.all()}
    units.update({u.short_name: u for u in list(units.values()) if u.short_name and u.short_name not in units})
    communities: dict[str, list[Place]] = {}
    for c in Place.objects.filter(kind=PlaceKind.COMMUNITY):
        communities.setdefault(c.name, []).append(c)
    teams = {t.name: t for t in Team.objects.all()}
    known_phones = set(Volunteer.objects.values_list("phone_hash", flat=True))
    known_ids = set(Volunteer.objects.exclude(id_number_hash="").values_list("id_number_hash", flat=True))
    seen_phones: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    errors: list[RowError] = []
    planned: list[tuple[dict[str, Any], Team | None]] = []
    total = len(sheet.rows)
    for i, row in enumerate(sheet.rows):
        report(i, total, _("检查第 %(n)d 行") % {"n": row.number})
        before = len(errors)
        item: dict[str, Any] = {"name": row.get("姓名")}
        if not item["name"]:
            errors.append(RowError(row.number, "姓名", _("不能为空。")))
        elif len(item["name"]) > 50:
            errors.append(RowError(row.number, "姓名", _("不能超过 50 个字。")))
        try:
            phone = protect.normalise_phone(row.get("手机号"))
            phone_hash = protect.lookup_hash("phone", phone)
            if phone_hash in known_phones:
                errors.append(RowError(row.number, "手机号", _("该手机号已登记为志愿者。")))
            elif phone_hash in seen_phones:
                errors.append(
                    RowError(row.number, "手机号", _("与第 %(row)d 行重复。") % {"row": seen_phones[phone_hash]})
                )
            seen_phones.setdefault(phone_hash, row.number)
            item["phone"] = phone
        except ValidationError as exc:
            errors.append(RowError(row.number, "手机号", exc.messages[0]))
        try:
            id_number = protect.normalise_id_number(row.get("身份证号"))
            id_hash = protect.lookup_hash("id", id_number)
            if id_hash and id_hash in known_ids:
                errors.append(RowError(row.number, "身份证号", _("该身份证号已登记为志愿者。")))
            elif id_hash and id_hash in seen_ids:
                errors.append(RowError(row.number, "身份证号", _("与第 %(row)d 行重复。") % {"row": seen_ids[id_hash]}))
            if id_hash:
                seen_ids.setdefault(id_hash, row.number)
            item["id_number"] = id_number
        except ValidationError as exc:
            errors.append(RowError(row.number, "身份证号", exc.messages[0]))
        party = row.get("在职党员").upper()
        if party in _YES:
            item["is_party_member"] = True
        elif party in _NO:
            item["is_party_member"] = False
        else:
            errors.append(RowError(row.number, "在职党员", _("应填“是”或“否”。")))
        unit_name = row.get("工作单位")
        item["unit"] = None
        if unit_name:
            if unit_name not in units:
                errors.append(RowError(row.number, "工作单位", _("找不到单位“%(name)s”。") % {"name": unit_name}))
            else:
                item["unit"] = units[unit_name]
        elif item.get("is_party_member"):
            errors.append(RowError(row.number, "工作单位", _("在职党员须填写工作单位。")))
        community_name = row.get("居住社区")
        item["community"] = None
        if community_name:
            found = communities.get(community_name, [])
            if not found:
                errors.append(RowError(row.number, "居住社区", _("找不到社区“%(name)s”。") % {"name": community_name}))
            elif len(found) > 1:
                errors.append(RowError(row.number, "居住社区", _("有多个同名社区。")))
            else:
                item["community"] = found[0]
        team = None
        team_name = row.get("服务队")
        if team_name:
            team = teams.get(team_name)
            if team is None:
                errors.append(RowError(row.number, "服务队", _("找不到服务队“%(name)s”。") % {"name": team_name}))
        if len(errors) == before:
            planned.append((item, team))
    if errors:
        raise SheetInvalid(errors)
    report(total, total, _("写入"))
    with transaction.atomic():
        for item, team in planned:
            volunteer = volunteer_create(source=Volunteer.Source.IMPORT, **item)
            if team is not None:
                team.members.add(volunteer)
        audit.record_event("volunteers.imported", details={"file": upload.name, "created": len(planned)})
    return {"created": len(planned)}


# --- Teams ---------------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    name: str,
    community: Place | None = None,
    unit: Unit | None = None,
    leader: Volunteer | None = None,
    description: str = "",
) -> Team:
    """A volunteer team; its leader is also a member."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写队名。")})
    if community is None and unit is None:
        raise ValidationError({"community": _("请选择服务队所在社区或所属单位。")})
    _check_places(community=community)
    if Team.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已有同名的服务队。")})
    team = Team.objects.create(name=name, community=community, unit=unit, leader=leader, description=description)
    if leader is not None:
        team.members.add(leader)
    return team


@transaction.atomic
def team_set_leader(*, team: Team, leader: Volunteer) -> Team:
    team.leader = leader
    team.save(update_fields=["leader"])
    team.members.add(leader)
    audit.record_event("volunteers.team_leader_set", instance=team, details={"leader": leader.pk})
    return team


@transaction.atomic
def team_add_member(*, team: Team, volunteer: Volunteer) -> None:
    team.members.add(volunteer)
    audit.record_event("volunteers.team_member_added", instance=team, details={"volunteer": volunteer.pk})


# --- Activities ----------------------------------------------------------------------------------

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "organiser_unit",
    "organiser_community",
    "organiser_team",
    "community",
    "place",
    "address",
    "starts_at",
    "ends_at",
    "capacity",
    "description",
)


def _check_activity(activity: Activity) -> None:
    if activity.community_id is None:
        raise ValidationError({"community": _("请选择服务社区。")})
    if activity.community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("服务社区必须是社区一级。")})
    if activity.place is not None and not activity.place.path.startswith(activity.community.path):
        raise ValidationError({"place": _("地点须在服务社区之内。")})
    if not (activity.organiser_unit_id or activity.organiser_community_id or activity.organiser_team_id):
        raise ValidationError({"organiser_unit": _("请选择组织单位、组织社区或组织服务队。")})
    if activity.starts_at and activity.ends_at:
        if activity.ends_at <= activity.starts_at:
            raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
        if activity.ends_at - activity.starts_at > datetime.timedelta(days=3):
            raise ValidationError({"ends_at": _("一次活动不能超过 3 天。")})
    activity.full_clean(exclude=["created_by"])


@transaction.atomic
def activity_create(*, actor: Any, **fields: Any) -> Activity:
    """Publish an activity. Whether the actor may organise for the unit, community or team named is
    the caller's check (pages and API ask the policy about the new row)."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationError({k: _("未知字段。") for k in unknown})
    activity = Activity(created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    _check_activity(activity)
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, **fields: Any) -> Activity:
    for key, value in fields.items():
        if key not in ACTIVITY_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(activity, key, value)
    _check_activity(activity)
    confirmed = activity.signups.filter(status=Signup.Status.CONFIRMED).count()
    if activity.capacity < confirmed:
        raise ValidationError({"capacity": _("已有 %(n)d 人报名，招募人数不能少于此数。") % {"n": confirmed}})
    activity.save()
    _promote(activity)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, actor: Any, reason: str) -> Activity:
    if not reason.strip():
        raise ValidationError({"reason": _("请说明取消的原因。")})
    if activity.records.exists():
        raise ValidationError({"activity": _("已有人签到，活动不能取消。")})
    activity.status = Activity.Status.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    audit.record_event("volunteers.activity_cancelled", instance=activity, details={"reason": reason.strip()[:200]})
    return activity


def _lock_activity(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().select_related("community").get(pk=activity.pk)


def _confirmed_count(activity: Activity) -> int:
    return Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).count()


def _promote(activity: Activity) -> list[Signup]:
    """Give free places to the waitlist, first come first served. Caller holds the activity lock."""
    free = activity.capacity - _confirmed_count(activity)
    if free <= 0:
        return []
    now = timezone.now()
    promoted = list(Signup.objects.filter(activity=activity, status=Signup.Status.WAITLISTED).order_by("id")[:free])
    for signup in promoted:
        signup.status = Signup.Status.CONFIRMED
        signup.promoted_at = now
        signup.save(update_fields=["status", "promoted_at"])
    if promoted:
        from gongjian.core.notify import notify

        for signup in promoted:
            notify(
                [signup.volunteer.user],
                kind="volunteers.promoted",
                title=_("候补转正：%(title)s") % {"title": activity.title},
                body=_("有人取消报名，你已从候补转为正式报名。"),
                url=f"/volunteers/activities/{activity.pk}/",
            )
    return promoted


@transaction.atomic
def signup_create(
    *, activity: Activity, volunteer: Volunteer, actor: Any, now: datetime.datetime | None = None
) -> Signup:
    """Sign a volunteer up (by themselves or by the organiser): a place if there is one, else the
    waitlist. Locks the activity, so two requests never take the last place twice."""
    now = now or timezone.now()
    activity = _lock_activity(activity)
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError({"activity": _("活动已取消。")})
    if now >= activity.ends_at:
        raise ValidationError({"activity": _("活动已结束，不能报名。")})
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("该志愿者已不在册。")})
    if Signup.objects.filter(activity=activity, volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).exists():
        raise ValidationError({"volunteer": _("已经报名了这次活动。")})
    full = _confirmed_count(activity) >= activity.capacity
    return Signup.objects.create(
        activity=activity,
        volunteer=volunteer,
        status=Signup.Status.WAITLISTED if full else Signup.Status.CONFIRMED,
        signed_up_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def signup_cancel(*, signup: Signup, actor: Any, now: datetime.datetime | None = None) -> list[Signup]:
    """Cancel a sign-up (the volunteer's own, or by the organiser); a freed place goes to the first
    on the waitlist. Returns the sign-ups promoted."""
    now = now or timezone.now()
    activity = _lock_activity(signup.activity)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.status not in (Signup.Status.CONFIRMED, Signup.Status.WAITLISTED):
        raise ValidationError({"signup": _("该报名已取消或已记为缺席。")})
    if ServiceRecord.objects.filter(activity=activity, volunteer_id=signup.volunteer_id).exists():
        raise ValidationError({"signup": _("已经签到，不能取消报名。")})
    if now >= activity.ends_at:
        raise ValidationError({"signup": _("活动已结束，不能取消报名。")})
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = now
    signup.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
    signup.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return _promote(activity)


@transaction.atomic
def activity_record_no_shows(*, activity: Activity, actor: Any, now: datetime.datetime | None = None) -> int:
    """After the activity has ended, record as no-shows those with a place who never checked in."""
    now = now or timezone.now()
    activity = _lock_activity(activity)
    if now < activity.ends_at:
        raise ValidationError({"activity": _("活动结束后才能登记缺席。")})
    attended = ServiceRecord.objects.filter(activity=activity).values("volunteer_id")
    missing = Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).exclude(
        volunteer_id__in=attended
    )
    ids = list(missing.values_list("pk", flat=True))
    Signup.objects.filter(pk__in=ids).update(status=Signup.Status.NO_SHOW)
    if ids:
        audit.record_event("volunteers.no_shows", instance=activity, details={"signups": ids})
    return len(ids)


# --- Hours ---------------------------------------------------------------------------------------


def compute_hours(
    *, checked_in_at: datetime.datetime, checked_out_at: datetime.datetime, rule: HourRule | None = None
) -> Decimal:
    """Hours from check-in to check-out: rounded down to the rule's step, capped, never negative."""
    rule = rule or hour_rule_current()
    minutes = int((checked_out_at - checked_in_at).total_seconds() // 60)
    if minutes <= 0:
        return Decimal("0.00")
    step = max(1, rule.round_to_minutes)
    minutes -= minutes % step
    hours = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(hours, Decimal(rule.cap_hours)).quantize(Decimal("0.01"))


def _service_window(
    record_in: datetime.datetime, record_out: datetime.datetime, activity: Activity | None
) -> tuple[datetime.datetime, datetime.datetime]:
    # Service counts within the activity's own time: arriving early or leaving late is not service.
    if activity is None:
        return record_in, record_out
    start = max(record_in, activity.starts_at)
    end = min(record_out, activity.ends_at)
    return start, max(start, end)


def _lock_volunteer(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


def _check_no_overlap(
    *,
    volunteer: Volunteer,
    start: datetime.datetime,
    end: datetime.datetime | None,
    now: datetime.datetime,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a record that overlaps another of the same person (declined ones aside). An open
    record (checked in, not out) occupies all time from its check-in on. Caller holds the lock."""
    others = ServiceRecord.objects.filter(volunteer=volunteer).exclude(status=ServiceRecord.Status.DECLINED)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if end is None:
        clash = others.filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=start))
    else:
        clash = others.filter(checked_in_at__lt=end).filter(
            Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=start)
        )
    other = clash.select_related("activity").first()
    if other is not None:
        if other.checked_out_at is None:
            title = other.activity.title if other.activity else other.note
            grace = datetime.timedelta(minutes=hour_rule_current().checkout_grace_minutes)
            if other.activity is not None and now > other.activity.ends_at + grace:
                # Past its check-out window the volunteer cannot close it themselves: say who can.
                message = _(
                    "在“%(title)s”的签到（%(start)s）尚未签退，且已过签退时限：请联系该活动的组织方登记签退时间"
                    "或不予认定，之后才能再签到。"
                ) % {"title": title, "start": timezone.localtime(other.checked_in_at).strftime("%Y-%m-%d %H:%M")}
            else:
                message = _("在“%(title)s”已签到尚未签退，请先在那里扫码签退。") % {"title": title}
        else:
            message = _("与 %(start)s 至 %(end)s 的服务记录时间重叠。") % {
                "start": timezone.localtime(other.checked_in_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(other.checked_out_at).strftime("%H:%M"),
            }
        raise ValidationError({"checked_in_at": ValidationError(message, code="overlap")})


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def scan(
    *, activity: Activity, volunteer: Volunteer, token: str, actor: Any, now: datetime.datetime | None = None
) -> ServiceRecord:
    """A volunteer opened the activity's QR link: check in, or, if checked in, check out.

    Refused with a reason (the error's code says which): ``forged`` or ``expired`` code,
    ``cancelled`` activity, ``not_started``, ``ended`` (check-in after the end), ``too_late``
    (check-out long after the end), ``twice`` (already checked in and out), ``full`` (no place and
    none free), ``overlap`` (checked in elsewhere)."""
    now = now or timezone.now()
    verdict = checkin.token_check(activity.pk, token, now)
    if verdict == checkin.FORGED:
        raise _refuse("token", _("签到码无效，请扫描活动现场的二维码。"), "forged")
    if verdict == checkin.EXPIRED:
        raise _refuse("token", _("签到码已过期，请重新扫描现场最新的二维码。"), "expired")
    activity = _lock_activity(activity)
    volunteer = _lock_volunteer(volunteer)
    rule = hour_rule_current()
    if activity.status != Activity.Status.PUBLISHED:
        raise _refuse("activity", _("活动已取消。"), "cancelled")
    records = ServiceRecord.objects.filter(activity=activity, volunteer=volunteer).exclude(
        status=ServiceRecord.Status.DECLINED
    )
    open_record = records.filter(checked_out_at__isnull=True).first()
    if open_record is not None:
        if now > activity.ends_at + datetime.timedelta(minutes=rule.checkout_grace_minutes):
            raise _refuse("activity", _("已超过签退时限，请联系活动组织方登记签退时间。"), "too_late")
        return _check_out(record=open_record, activity=activity, at=now, method=ServiceRecord.Method.QR, rule=rule)
    if records.exists():
        raise _refuse("activity", _("你已完成本次活动的签到和签退，不能重复签到。"), "twice")
    if now >= activity.ends_at:
        raise _refuse("activity", _("活动已结束，不能签到。"), "ended")
    if now < activity.starts_at - datetime.timedelta(minutes=rule.early_check_in_minutes):
        raise _refuse(
            "activity",
            _("活动尚未开始，开始前 %(n)d 分钟起可以签到。") % {"n": rule.early_check_in_minutes},
            "not_started",
        )
    _ensure_place(activity=activity, volunteer=volunteer, actor=actor)
    _check_no_overlap(volunteer=volunteer, start=now, end=None, now=now)
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        activity=activity,
        community=activity.community,
        checked_in_at=now,
        check_in_method=ServiceRecord.Method.QR,
        status=ServiceRecord.Status.OPEN,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _ensure_place(*, activity: Activity, volunteer: Volunteer, actor: Any) -> None:
    """A volunteer checking in needs a confirmed place; one who did not sign up takes a free place
    if there is one. Caller holds the activity lock."""
    signup = (
        Signup.objects.filter(activity=activity, volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).first()
    )
    if signup is not None and signup.status == Signup.Status.CONFIRMED:
        return
    if _confirmed_count(activity) >= activity.capacity:
        raise _refuse("activity", _("活动名额已满，不能签到。"), "full")
    if signup is None:
        Signup.objects.create(
            activity=activity,
            volunteer=volunteer,
            status=Signup.Status.CONFIRMED,
            signed_up_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    else:  # waitlisted (or marked absent) with a place now free
        signup.status = Signup.Status.CONFIRMED
        signup.promoted_at = timezone.now()
        signup.save(update_fields=["status", "promoted_at"])


def _check_out(
    *, record: ServiceRecord, activity: Activity | None, at: datetime.datetime, method: str, rule: HourRule
) -> ServiceRecord:
    if at < record.checked_in_at:
        raise _refuse("checked_out_at", _("签退时间不能早于签到时间。"), "negative")
    start, end = _service_window(record.checked_in_at, at, activity)
    record.checked_out_at = at
    record.check_out_method = method
    record.hours = compute_hours(checked_in_at=start, checked_out_at=end, rule=rule)
    record.status = ServiceRecord.Status.PENDING
    record.save(update_fields=["checked_out_at", "check_out_method", "hours", "status"])
    return record


@transaction.atomic
def attendance_mark(
    *,
    activity: Activity,
    volunteer: Volunteer,
    checked_in_at: datetime.datetime,
    checked_out_at: datetime.datetime | None,
    actor: Any,
    now: datetime.datetime | None = None,
) -> ServiceRecord:
    """The organiser marks a volunteer's attendance (check-in, and check-out if known), during the
    activity or after it; recorded after the activity's end, it is a retroactive record. Either
    way the hours wait for approval."""
    now = now or timezone.now()
    activity = _lock_activity(activity)
    volunteer = _lock_volunteer(volunteer)
    rule = hour_rule_current()
    if checked_in_at > now or (checked_out_at is not None and checked_out_at > now):
        raise _refuse("checked_in_at", _("不能登记未来的时间。"), "future")
    slack = datetime.timedelta(minutes=rule.early_check_in_minutes)
    if checked_in_at < activity.starts_at - slack or checked_in_at >= activity.ends_at:
        raise _refuse("checked_in_at", _("签到时间须在活动时间之内。"), "outside")
    existing = (
        ServiceRecord.objects.filter(activity=activity, volunteer=volunteer)
        .exclude(status=ServiceRecord.Status.DECLINED)
        .first()
    )
    if existing is not None and existing.checked_out_at is None and checked_out_at is not None:
        if checked_out_at < existing.checked_in_at:
            raise _refuse("checked_out_at", _("签退时间不能早于签到时间。"), "negative")
        return _check_out(
            record=existing, activity=activity, at=checked_out_at, method=ServiceRecord.Method.ORGANISER, rule=rule
        )
    if existing is not None:
        raise _refuse("volunteer", _("该志愿者已有本次活动的服务记录。"), "twice")
    if checked_out_at is not None and checked_out_at < checked_in_at:
        raise _refuse("checked_out_at", _("签退时间不能早于签到时间。"), "negative")
    _ensure_place(activity=activity, volunteer=volunteer, actor=actor)
    _check_no_overlap(volunteer=volunteer, start=checked_in_at, end=checked_out_at, now=now)
    late = now >= activity.ends_at
    record = ServiceRecord.objects.create(
        volunteer=volunteer,
        activity=activity,
        community=activity.community,
        checked_in_at=checked_in_at,
        check_in_method=ServiceRecord.Method.RETROACTIVE if late else ServiceRecord.Method.ORGANISER,
        status=ServiceRecord.Status.OPEN,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if checked_out_at is not None:
        _check_out(
            record=record,
            activity=activity,
            at=checked_out_at,
            method=ServiceRecord.Method.RETROACTIVE if late else ServiceRecord.Method.ORGANISER,
            rule=rule,
        )
    return record


@transaction.atomic
def record_check_out(
    *, record: ServiceRecord, checked_out_at: datetime.datetime, actor: Any, now: datetime.datetime | None = None
) -> ServiceRecord:
    """The organiser enters the check-out time of a check-in left open (the volunteer forgot, or is
    past the check-out window). The hours then wait for approval like any other."""
    now = now or timezone.now()
    record = ServiceRecord.objects.select_related("activity").get(pk=record.pk)
    activity = _lock_activity(record.activity) if record.activity else None
    _lock_volunteer(record.volunteer)
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != ServiceRecord.Status.OPEN or record.checked_out_at is not None:
        raise ValidationError({"status": _("该记录已签退或已审核。")})
    if checked_out_at > now:
        raise _refuse("checked_out_at", _("不能登记未来的时间。"), "future")
    late = activity is not None and now >= activity.ends_at
    return _check_out(
        record=record,
        activity=activity,
        at=checked_out_at,
        method=ServiceRecord.Method.RETROACTIVE if late else ServiceRecord.Method.ORGANISER,
        rule=hour_rule_current(),
    )


@transaction.atomic
def record_approve(*, record: ServiceRecord, actor: Any, now: datetime.datetime | None = None) -> ServiceRecord:
    """The organiser approves a checked-out record's hours."""
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != ServiceRecord.Status.PENDING:
        raise ValidationError({"status": _("只有待审核的记录可以认定。")})
    record.status = ServiceRecord.Status.APPROVED
    record.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reviewed_at = now or timezone.now()
    record.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return record


@transaction.atomic
def record_decline(
    *, record: ServiceRecord, actor: Any, reason: str, now: datetime.datetime | None = None
) -> ServiceRecord:
    """The organiser declines a record (pending or still open), keeping the reason; the record stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予认定的理由。")})
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if record.status not in (ServiceRecord.Status.PENDING, ServiceRecord.Status.OPEN):
        raise ValidationError({"status": _("该记录已审核。")})
    record.status = ServiceRecord.Status.DECLINED
    record.decline_reason = reason[:200]
    record.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.reviewed_at = now or timezone.now()
    record.save(update_fields=["status", "decline_reason", "reviewed_by", "reviewed_at"])
    return record


@transaction.atomic
def hour_rule_update(
    *, round_to_minutes: int, cap_hours: Decimal, checkout_grace_minutes: int, early_check_in_minutes: int
) -> HourRule:
    rule = HourRule.objects.select_for_update().first() or HourRule()
    rule.round_to_minutes = round_to_minutes
    rule.cap_hours = cap_hours
    rule.checkout_grace_minutes = checkout_grace_minutes
    rule.early_check_in_minutes = early_check_in_minutes
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def record_entry_add(
    *,
    volunteer: Volunteer,
    kind: str,
    happened_on: datetime.date,
    title: str,
    actor: Any,
    issuer: str = "",
    detail: str = "",
) -> RecordEntry:
    """Add a training, commendation or evaluation to a volunteer's record."""
    entry = RecordEntry(
        volunteer=volunteer,
        kind=kind,
        happened_on=happened_on,
        title=(title or "").strip(),
        issuer=issuer,
        detail=detail,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if happened_on and happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("日期不能晚于今天。")})
    entry.full_clean(exclude=["recorded_by"])
    entry.save()
    return entry


# --- Statements ----------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))


def statement_check(*, period_from: datetime.date, period_to: datetime.date) -> None:
    """Refuse a period a statement cannot cover (checked before the job is queued, and again in it)."""
    if period_to < period_from:
        raise ValidationError({"period_to": _("截止日期不能早于起始日期。")})
    if period_to > timezone.localdate():
        raise ValidationError({"period_to": _("截止日期不能晚于今天。")})
    if (period_to - period_from).days > 366 * 5:
        raise ValidationError({"period_from": _("一份证明最多涵盖 5 年。")})


@transaction.atomic
def statement_create(
    *,
    volunteer: Volunteer,
    period_from: datetime.date,
    period_to: datetime.date,
    actor: Any,
    progress: Progress | None = None,
) -> Statement:
    """A PDF statement of the volunteer's approved hours between two dates (inclusive), with a
    verification code. The PDF is rendered once and stored: under a second when the fonts are
    loaded, several seconds for the first one in a process, so pages run it as a job."""
    from gongjian.volunteers.documents import statement_pdf
    from gongjian.volunteers.selectors import statement_records

    report = progress or (lambda done, total, stage: None)
    statement_check(period_from=period_from, period_to=period_to)
    report(0, 3, _("汇总服务记录"))
    records = list(statement_records(volunteer=volunteer, period_from=period_from, period_to=period_to))
    statement = Statement(
        volunteer=volunteer,
        code=_new_code(),
        period_from=period_from,
        period_to=period_to,
        hours=sum((r.hours for r in records), Decimal("0.00")),
        record_count=len(records),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    statement.save()
    report(1, 3, _("生成 PDF"))
    pdf = statement_pdf(statement=statement, records=records)
    statement.file.save(f"statement-{statement.code}.pdf", ContentFile(pdf), save=True)
    report(3, 3, _("完成"))
    return statement
