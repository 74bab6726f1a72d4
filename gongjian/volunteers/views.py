import datetime
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.core import policy
from gongjian.core.exports import xlsx_response
from gongjian.core.forms import submit
from gongjian.core.imports import import_page
from gongjian.core.jobs import job_start
from gongjian.core.ratelimit import ratelimit
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit
from gongjian.volunteers import checkin, protect
from gongjian.volunteers.figures import monthly_hours_chart
from gongjian.volunteers.forms import (
    ActivityForm,
    AttendanceForm,
    CheckOutForm,
    DeclineForm,
    EntryForm,
    HourRuleForm,
    MonthForm,
    RegisterForm,
    SignupForForm,
    StatementForm,
    TeamForm,
    TeamMemberForm,
    VerifyForm,
    VolunteerFields,
    VolunteerFilterForm,
)
from gongjian.volunteers.models import Activity, ServiceRecord, Signup, Statement, Team, Volunteer
from gongjian.volunteers.policies import ORGANISE, SEE_FULL
from gongjian.volunteers.selectors import (
    activity_list,
    activity_records,
    activity_signups,
    approved_hours,
    compliance_by,
    compliance_month,
    hour_rule_current,
    hours_by_month,
    month_end,
    month_start,
    not_served,
    pending_records,
    record_entries,
    record_list,
    stale_open_records,
    star_level,
    star_next,
    team_list,
    volunteer_list,
    volunteer_of,
)
from gongjian.volunteers.services import (
    VOLUNTEER_COLUMNS,
    VOLUNTEER_OPTIONAL,
    activity_create,
    activity_record_no_shows,
    attendance_mark,
    hour_rule_update,
    record_approve,
    record_check_out,
    record_decline,
    record_entry_add,
    scan,
    signup_cancel,
    signup_create,
    statement_check,
    team_add_member,
    team_create,
    team_set_leader,
    volunteer_claim,
    volunteer_register,
)

NAV = "volunteers"


def _can_manage(user: Any) -> bool:
    """Whether the user looks after volunteers at all (city admin, liaison, community staff)."""
    scope = policy.scope_for(user)
    return scope.is_city_admin or bool(scope.unit_ids) or bool(scope.community_ids)


def _next(request: HttpRequest, value: str | None, default: str) -> str:
    """Where to go after a form: ``value`` if it is a path on this site, else ``default``."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return default


def _by_phone(raw: str) -> Volunteer:
    """The volunteer with this phone number (the number itself is the organiser's proof of knowing
    the person; only its keyed hash is looked up)."""
    phone = protect.normalise_phone(raw)
    volunteer = Volunteer.objects.filter(phone_hash=protect.lookup_hash("phone", phone), is_active=True).first()
    if volunteer is None:
        raise ValidationError({"phone": _("没有找到该手机号登记的志愿者。")})
    return volunteer


# --- Volunteers ----------------------------------------------------------------------------------


def volunteer_index(request: HttpRequest) -> HttpResponse:
    """The volunteers the user looks after (masked numbers), filtered; a plain volunteer goes to their own page."""
    if not _can_manage(request.user):
        if volunteer_of(request.user) is not None:
            return redirect("volunteers:me")
        return redirect("volunteers:activity-list")
    form = VolunteerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = volunteer_list(
        user=request.user,
        q=filters.get("q", ""),
        unit_id=filters["unit"].pk if filters.get("unit") else None,
        party_only=bool(filters.get("party_only")),
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "form": form,
            "page_obj": page,
            "pending": pending_records(user=request.user)[:50],
            "is_admin": policy.is_city_admin(request.user),
            "nav": NAV,
        },
    )


def volunteer_export(request: HttpRequest) -> HttpResponse:
    """The volunteers the user may see, as .xlsx; phone and ID numbers masked."""
    if not _can_manage(request.user):
        raise PermissionDenied
    qs = volunteer_list(user=request.user)
    rows = (
        (
            v.name,
            v.phone_masked,
            v.id_number_masked,
            _("是") if v.is_party_member else _("否"),
            v.unit.name if v.unit else "",
            v.community.name if v.community else "",
            v.total_hours or 0,  # type: ignore[attr-defined]
            star_level(v.total_hours or 0),  # type: ignore[attr-defined]
        )
        for v in qs.iterator(chunk_size=500)
    )
    headers = [
        _("姓名"),
        _("手机号"),
        _("身份证号"),
        _("在职党员"),
        _("工作单位"),
        _("居住社区"),
        _("认定时长"),
        _("星级"),
    ]
    return xlsx_response(filename="volunteers.xlsx", title=_("志愿者"), headers=headers, rows=rows)


def _volunteer_context(request: HttpRequest, volunteer: Volunteer) -> dict[str, Any]:
    hours = approved_hours(volunteer=volunteer)
    return {
        "volunteer": volunteer,
        "hours": hours,
        "stars": star_level(hours),
        "next_star": star_next(hours),
        "records": record_list(user=request.user, volunteer=volunteer)[:100],
        "entries": record_entries(volunteer=volunteer),
        "signups": volunteer.signups.select_related("activity").order_by("-id")[:50],
        "teams": volunteer.teams.all(),
        "statements": volunteer.statements.all()[:20],
        "nav": NAV,
    }


def volunteer_me(request: HttpRequest) -> HttpResponse:
    """The volunteer's own page: their numbers in full, hours, stars, record and statements."""
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:join")
    if not policy.can(request.user, SEE_FULL, volunteer):  # always true here; the rule says why
        raise PermissionDenied
    today = timezone.localdate()
    context = _volunteer_context(request, volunteer)
    context.update(
        {
            "own": True,
            "phone": protect.decrypt(volunteer.phone_encrypted),
            "id_number": protect.decrypt(volunteer.id_number_encrypted),
            "statement_form": StatementForm(initial={"period_from": today.replace(month=1, day=1), "period_to": today}),
        }
    )
    return render(request, "volunteers/volunteer_detail.html", context)


def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = policy.get_object(Volunteer.objects.select_related("unit", "community"), request.user, pk)
    if volunteer.user_id == request.user.pk:
        return redirect("volunteers:me")
    context = _volunteer_context(request, volunteer)
    context["can_add_entry"] = policy.can(request.user, policy.CHANGE, volunteer)
    context["entry_form"] = EntryForm()
    return render(request, "volunteers/volunteer_detail.html", context)


@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = policy.get_object(Volunteer.objects.all(), request.user, pk, policy.CHANGE)
    form = EntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_entry_add(volunteer=volunteer, actor=request.user, **data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已记入志愿服务记录。"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect("volunteers:detail", pk=volunteer.pk)


@login_not_required
@ratelimit(scope="volunteers-register", limit=10, window=600)
def register(request: HttpRequest) -> HttpResponse:
    """Public self sign-up: an account and a volunteer record at once; then signed in."""
    if request.user.is_authenticated:
        return redirect("volunteers:join")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        volunteer = submit(form, lambda: volunteer_register(**form.cleaned_data))
        if volunteer is not None and volunteer.user is not None:
            login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功，欢迎加入志愿者队伍！"))
            return redirect(_next(request, request.GET.get("next"), _url("volunteers:activity-list")))
    return render(request, "volunteers/register.html", {"form": form, "nav": NAV})


def join(request: HttpRequest) -> HttpResponse:
    """A signed-in user without a volunteer record becomes a volunteer."""
    if volunteer_of(request.user) is not None:
        return redirect("volunteers:me")
    form = VolunteerFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        volunteer = submit(form, lambda: volunteer_claim(user=request.user, **form.cleaned_data))
        if volunteer is not None:
            messages.success(request, _("已登记为志愿者。"))
            return redirect(_next(request, request.GET.get("next"), _url("volunteers:me")))
    return render(request, "volunteers/join.html", {"form": form, "nav": NAV})


def volunteer_import_view(request: HttpRequest) -> HttpResponse:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    return import_page(
        request,
        kind="volunteers.import",
        template="volunteers/import.html",
        context={"columns": VOLUNTEER_COLUMNS + VOLUNTEER_OPTIONAL, "nav": NAV},
    )


# --- Teams ---------------------------------------------------------------------------------------


def team_index(request: HttpRequest) -> HttpResponse:
    scope = policy.scope_for(request.user)
    units = Unit.objects.all() if scope.is_city_admin else Unit.objects.filter(pk__in=scope.unit_ids)
    can_add = _can_manage(request.user)
    form = TeamForm(request.POST or None, units=units) if can_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            community = data.get("community")
            if not scope.is_city_admin and not (
                (data.get("unit") and data["unit"].pk in scope.unit_ids)
                or (community and community.pk in scope.community_ids)
            ):
                form.add_error("community", _("只能为你所在的单位或社区组建服务队。"))
            else:
                leader_phone = data.pop("leader_phone")

                def create() -> Team:
                    leader = _by_phone(leader_phone) if leader_phone else None
                    return team_create(leader=leader, **data)

                team = submit(form, create)
                if team is not None:
                    messages.success(request, _("服务队已成立。"))
                    return redirect("volunteers:team-list")
    return render(
        request, "volunteers/team_list.html", {"teams": team_list(user=request.user), "form": form, "nav": NAV}
    )


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A team: its leader and size for anyone signed in; for those who run it (its unit's liaison,
    its community's staff, its leader) the members, with masked numbers, and a form to add one
    by phone number or make one the leader."""
    team = policy.get_object(Team.objects.select_related("community", "unit", "leader"), request.user, pk)
    can_change = policy.can(request.user, policy.CHANGE, team)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():

            def add() -> Team:
                volunteer = _by_phone(form.cleaned_data["phone"])
                if form.cleaned_data["as_leader"]:
                    return team_set_leader(team=team, leader=volunteer)
                team_add_member(team=team, volunteer=volunteer)
                return team

            if submit(form, add) is not None:
                messages.success(request, _("已保存。"))
                return redirect("volunteers:team-detail", pk=team.pk)
    members = team.members.select_related("unit", "community").order_by("id") if can_change else None
    return render(
        request,
        "volunteers/team_detail.html",
        {
            "team": team,
            "can_change": can_change,
            "members": members,
            "member_count": team.members.count(),
            "form": form,
            "nav": NAV,
        },
    )


# --- Activities ----------------------------------------------------------------------------------


@login_not_required
@ratelimit(scope="public", limit=120, window=60, methods=("GET",))
def activity_index(request: HttpRequest) -> HttpResponse:
    """Activities not yet ended (public); organisers also see their own past ones."""
    now = timezone.now()
    upcoming = activity_list(user=request.user, upcoming_from=now)[:50]
    leads_a_team = request.user.is_authenticated and Team.objects.filter(leader__user_id=request.user.pk).exists()
    organiser = _can_manage(request.user) or leads_a_team
    organised = activity_list(user=request.user, organised_only=True)[:50] if organiser else []
    return render(
        request,
        "volunteers/activity_list.html",
        {
            "upcoming": upcoming,
            "organised": organised,
            "can_create": organiser,
            "volunteer": volunteer_of(request.user),
            "nav": NAV,
        },
    )


def _organiser_choices(user: Any) -> dict[str, Any]:
    scope = policy.scope_for(user)
    if scope.is_city_admin:
        return {
            "units": Unit.objects.filter(is_active=True).order_by("id"),
            "communities": Place.objects.filter(kind=PlaceKind.COMMUNITY).select_related("parent", "parent__parent"),
            "teams": Team.objects.all(),
        }
    return {
        "units": Unit.objects.filter(pk__in=scope.unit_ids),
        "communities": Place.objects.filter(pk__in=scope.community_ids).select_related("parent", "parent__parent"),
        "teams": Team.objects.filter(leader__user_id=user.pk),
    }


def activity_new(request: HttpRequest) -> HttpResponse:
    choices = _organiser_choices(request.user)
    if not any(qs.exists() for qs in choices.values()):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def create() -> Activity:
            from django.db import transaction

            with transaction.atomic():
                activity = activity_create(actor=request.user, **data)
                if not policy.can(request.user, policy.ADD, activity):
                    raise ValidationError({"organiser_unit": _("你不能以该组织方的名义发布活动。")})
            return activity

        activity = submit(form, create)
        if activity is not None:
            messages.success(request, _("活动已发布。"))
            return redirect("volunteers:activity-detail", pk=activity.pk)
    return render(request, "volunteers/activity_form.html", {"form": form, "nav": NAV})


def _activity(request: HttpRequest, pk: int, action: str = policy.VIEW) -> Activity:
    qs = Activity.objects.select_related(
        "community", "community__parent", "organiser_unit", "organiser_community", "organiser_team"
    )
    return policy.get_object(qs, request.user, pk, action)


@login_not_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An activity: public facts and the sign-up button; for its organisers, the sign-ups, the
    waitlist, attendance and the hours waiting for approval."""
    activity = _activity(request, pk)
    volunteer = volunteer_of(request.user)
    my_signup = (
        activity.signups.filter(volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).first()
        if volunteer
        else None
    )
    my_record = (
        activity.records.filter(volunteer=volunteer).exclude(status=ServiceRecord.Status.DECLINED).first()
        if volunteer
        else None
    )
    organiser = request.user.is_authenticated and policy.can(request.user, ORGANISE, activity)
    confirmed = activity.signups.filter(status=Signup.Status.CONFIRMED).count()
    waitlist_position = (
        activity.signups.filter(status=Signup.Status.WAITLISTED, pk__lte=my_signup.pk).count()
        if my_signup is not None and my_signup.status == Signup.Status.WAITLISTED
        else None
    )
    now = timezone.now()
    context: dict[str, Any] = {
        "activity": activity,
        "volunteer": volunteer,
        "my_signup": my_signup,
        "my_record": my_record,
        "waitlist_position": waitlist_position,
        "organiser": organiser,
        "confirmed": confirmed,
        "waitlisted": activity.signups.filter(status=Signup.Status.WAITLISTED).count(),
        "ended": now >= activity.ends_at,
        "nav": NAV,
    }
    if organiser:
        context.update(
            {
                "signups": activity_signups(activity=activity),
                "records": activity_records(activity=activity),
                "attended": set(activity.records.values_list("volunteer_id", flat=True)),
                "signup_form": SignupForForm(),
                "attendance_form": AttendanceForm(),
                "decline_form": DeclineForm(),
            }
        )
    return render(request, "volunteers/activity_detail.html", context)


def _done(request: HttpRequest, activity: Activity, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("volunteers:activity-detail", pk=activity.pk)


@require_POST
def activity_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in volunteer signs up (or joins the waitlist)."""
    activity = _activity(request, pk)
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return redirect(_join_then(request.path.replace("/signup/", "/")))
    try:
        signup = signup_create(activity=activity, volunteer=volunteer, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if signup.status == Signup.Status.CONFIRMED:
            messages.success(request, _("报名成功。"))
        else:
            messages.warning(request, _("名额已满，已加入候补名单；有人取消时按顺序递补。"))
    return redirect("volunteers:activity-detail", pk=activity.pk)


def _join_then(path: str) -> str:
    """The join page, coming back to ``path`` (the activity, or the scan link) once registered."""
    from django.utils.http import urlencode

    return f"{_url('volunteers:join')}?{urlencode({'next': path})}"


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@require_POST
def activity_signup_for(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser signs a volunteer up, found by their phone number."""
    activity = _activity(request, pk, ORGANISE)
    form = SignupForForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写志愿者手机号。"))
        return redirect("volunteers:activity-detail", pk=activity.pk)
    return _done(
        request,
        activity,
        lambda: signup_create(activity=activity, volunteer=_by_phone(form.cleaned_data["phone"]), actor=request.user),
        _("已代为报名。"),
    )


@require_POST
def signup_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a sign-up: the volunteer's own, or any of the activity's for its organiser."""
    signup = policy.get_object(Signup.objects.select_related("activity"), request.user, pk, policy.CHANGE)
    return _done(request, signup.activity, lambda: signup_cancel(signup=signup, actor=request.user), _("已取消报名。"))


@require_POST
def attendance_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, ORGANISE)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect("volunteers:activity-detail", pk=activity.pk)
    data = form.cleaned_data
    return _done(
        request,
        activity,
        lambda: attendance_mark(
            activity=activity,
            volunteer=_by_phone(data["phone"]),
            checked_in_at=data["checked_in_at"],
            checked_out_at=data["checked_out_at"],
            actor=request.user,
        ),
        _("已登记考勤，时长待审核。"),
    )


@require_POST
def activity_no_shows(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, ORGANISE)
    return _done(
        request, activity, lambda: activity_record_no_shows(activity=activity, actor=request.user), _("已登记缺席。")
    )


@require_POST
def record_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = policy.get_object(ServiceRecord.objects.select_related("activity"), request.user, pk, ORGANISE)
    try:
        record_approve(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已认定 %(h)s 小时。") % {"h": record.hours})
    return redirect(_next(request, request.POST.get("next"), _url("volunteers:activity-detail", record.activity_id)))


@require_POST
def record_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = policy.get_object(ServiceRecord.objects.select_related("activity"), request.user, pk, ORGANISE)
    form = DeclineForm(request.POST)
    try:
        record_decline(record=record, actor=request.user, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已不予认定，理由已记录。"))
    return redirect(_next(request, request.POST.get("next"), _url("volunteers:activity-detail", record.activity_id)))


@require_POST
def record_check_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser enters the check-out time of a check-in left open."""
    record = policy.get_object(ServiceRecord.objects.select_related("activity"), request.user, pk, ORGANISE)
    form = CheckOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    else:
        try:
            record = record_check_out(
                record=record, checked_out_at=form.cleaned_data["checked_out_at"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已登记签退，本次 %(h)s 小时，待认定。") % {"h": record.hours})
    return redirect(_next(request, request.POST.get("next"), _url("volunteers:activity-detail", record.activity_id)))


def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in screen for the organiser's phone or a projector: the code changes every step."""
    activity = _activity(request, pk, ORGANISE)
    now = timezone.now()
    url = checkin.scan_url(activity.pk, now)
    context = {
        "activity": activity,
        "svg": checkin.qr_svg(url),
        "scan_url": url,
        "step": checkin.step_seconds(),
        "nav": NAV,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "volunteers/_qr.html", context)
    return render(request, "volunteers/activity_qr.html", context)


def activity_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the QR code leads: the signed-in volunteer confirms check-in (or check-out)."""
    activity = _activity(request, pk)
    token = request.POST.get("t") or request.GET.get("t") or ""
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        messages.info(request, _("请先登记为志愿者，再扫码签到。"))
        return redirect(_join_then(request.get_full_path()))
    open_record = (
        activity.records.filter(volunteer=volunteer, checked_out_at__isnull=True)
        .exclude(status=ServiceRecord.Status.DECLINED)
        .first()
    )
    error = ""
    record = None
    if request.method == "POST":
        try:
            record = scan(activity=activity, volunteer=volunteer, token=token, actor=request.user)
        except ValidationError as exc:
            error = "；".join(exc.messages)
    else:
        verdict = checkin.token_check(activity.pk, token, timezone.now())
        if verdict == checkin.FORGED:
            error = _("签到码无效，请扫描活动现场的二维码。")
        elif verdict == checkin.EXPIRED:
            error = _("签到码已过期，请重新扫描现场最新的二维码。")
    return render(
        request,
        "volunteers/scan.html",
        {
            "activity": activity,
            "token": token,
            "volunteer": volunteer,
            "checking_out": open_record is not None,
            "record": record,
            "error": error,
            "nav": NAV,
        },
    )


# --- Compliance ----------------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[MonthForm, datetime.date]:
    form = MonthForm(request.GET or None)
    default = month_start(timezone.localdate())
    month = form.month_value(default)
    if not form.is_bound:
        form = MonthForm(initial={"month": month.strftime("%Y-%m")})
    return form, month


def compliance(request: HttpRequest) -> HttpResponse:
    """A month's in-service party members: rates by unit and by district, and who has not yet served."""
    if not _can_manage(request.user):
        raise PermissionDenied
    form, month = _month(request)
    report = compliance_month(user=request.user, month=month)
    paginator = Paginator(not_served(user=request.user, month=month), 50)
    paginator.count = report.total.not_served  # known from the report: no second pass over the month
    missing = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/compliance.html",
        {
            "form": form,
            "month": month,
            "by_unit": report.by_unit,
            "by_district": report.by_district,
            "total": report.total,
            "page_obj": missing,
            "chart": monthly_hours_chart(hours_by_month(as_of=month_end(month), user=request.user)),
            "nav": NAV,
        },
    )


def compliance_export(request: HttpRequest) -> HttpResponse:
    if not _can_manage(request.user):
        raise PermissionDenied
    form, month = _month(request)
    if form.errors:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect(_url("volunteers:compliance"))
    rows: list[list[Any]] = [
        [r.name, r.members, r.served, r.not_served, round(r.rate * 100, 1)]
        for r in compliance_by(user=request.user, month=month)
    ]
    rows.append([])
    rows.append([_("未服务的在职党员"), _("手机号"), _("工作单位"), _("居住社区")])
    rows += [
        [v.name, v.phone_masked, v.unit.name if v.unit else "", v.community.name if v.community else ""]
        for v in not_served(user=request.user, month=month).iterator(chunk_size=500)
    ]
    return xlsx_response(
        filename=f"party-service-{month:%Y-%m}.xlsx",
        title=month.strftime("%Y-%m"),
        headers=[_("单位"), _("在职党员"), _("已服务"), _("未服务"), _("服务率（%）")],
        rows=rows,
    )


# --- Hour rule, statements -----------------------------------------------------------------------


def hour_rule(request: HttpRequest) -> HttpResponse:
    """The city admin sets how hours are rounded and capped."""
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    form = HourRuleForm(request.POST or None, instance=hour_rule_current())
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: hour_rule_update(**form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:rule")
    return render(request, "volunteers/rule.html", {"form": form, "nav": NAV})


@require_POST
def statement_new(request: HttpRequest) -> HttpResponse:
    """Queue the volunteer's PDF statement; the job's page shows its progress, then links back."""
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        raise PermissionDenied
    form = StatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写起止日期。"))
        return redirect("volunteers:me")
    period_from, period_to = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
    try:
        statement_check(period_from=period_from, period_to=period_to)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("volunteers:me")
    payload = {"volunteer": volunteer.pk, "period_from": period_from.isoformat(), "period_to": period_to.isoformat()}
    upload = SimpleUploadedFile(
        f"statement-{period_from:%Y%m%d}-{period_to:%Y%m%d}.json", json.dumps(payload).encode(), "application/json"
    )
    job = job_start(kind="volunteers.statement", upload=upload, actor=request.user)
    return redirect("core:job-detail", pk=job.pk)


def statement_download(request: HttpRequest, pk: int) -> FileResponse:
    statement = policy.get_object(Statement.objects.all(), request.user, pk)
    try:
        handle = statement.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"statement-{statement.code}.pdf"
    )


@login_not_required
@ratelimit(scope="volunteers-verify", limit=30, window=60, methods=("GET",))
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a statement's code: it shows what the statement says, the name half hidden."""
    form = VerifyForm(request.GET or None)
    statement = None
    if form.is_valid():
        statement = (
            Statement.objects.select_related("volunteer", "volunteer__unit")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
    name = ""
    if statement is not None:
        full = statement.volunteer.name
        name = full[0] + "*" * (len(full) - 1) if len(full) > 1 else full
    return render(
        request,
        "volunteers/verify.html",
        {"form": form, "statement": statement, "masked_name": name, "checked": form.is_bound, "nav": NAV},
    )


def pending_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "volunteers/pending.html",
        {
            "records": pending_records(user=request.user)[:200],
            "stale": stale_open_records(user=request.user, now=timezone.now())[:200],
            "decline_form": DeclineForm(),
            "nav": NAV,
        },
    )
