"""Case pages: the public's (report, list, map, a case, the reporter's private link) and the
staff's (the scoped list, a case with the steps the viewer may take, export, the catalogue)."""

import mimetypes
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from gongjian.cases import forms as case_forms
from gongjian.cases.models import Case, CasePhoto, Category
from gongjian.cases.policies import HANDLE, WORK
from gongjian.cases.selectors import (
    CaseFilters,
    case_by_follow_token,
    case_list,
    case_timeline,
    may_see_reporter,
    nearby_open_cases,
    photo_visible,
    public_case_list,
    public_cases,
)
from gongjian.cases.services import (
    LOW_RATING,
    case_accept,
    case_close,
    case_dispatch,
    case_me_too,
    case_merge,
    case_rate,
    case_recategorise,
    case_redispatch,
    case_reject,
    case_reopen,
    case_report,
    case_resolve,
    case_send_back,
    case_start,
    case_verify,
    follow_path,
    suggested_unit,
)
from gongjian.core import policy
from gongjian.core.audit import client_ip
from gongjian.core.exports import xlsx_response
from gongjian.core.forms import apply_validation_error
from gongjian.core.imports import import_page
from gongjian.core.ratelimit import ratelimit

PAGE_SIZE = 30
MAP_LIMIT = 2000


# --- Filters -------------------------------------------------------------------------------------


def _filters(request: HttpRequest, *, public: bool) -> tuple[case_forms.CaseFilterForm, CaseFilters]:
    form = case_forms.CaseFilterForm(request.GET or None, public=public)
    data = form.cleaned_data if form.is_valid() else {}
    unit = data.get("unit")
    return form, CaseFilters(
        category=data.get("category"),
        status=data.get("status") or "",
        district=data.get("district"),
        community=data.get("community"),
        unit_id=unit.pk if unit else None,
        overdue=bool(data.get("overdue")),
        q=data.get("q") or "",
    )


def _with_photos(qs: Any) -> Any:
    return qs.prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("id")))


# --- Public pages --------------------------------------------------------------------------------


@login_not_required
@ratelimit(scope="cases-public", limit=240, window=60, methods=("GET",))
def public_list(request: HttpRequest) -> HttpResponse:
    """Public cases (no reporter identity), filtered by category, status, district and community."""
    form, filters = _filters(request, public=True)
    page = Paginator(public_case_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/public_list.html",
        {"form": form, "page_obj": page, "now": timezone.now(), "nav": "cases-public"},
    )


@login_not_required
@ratelimit(scope="cases-public", limit=240, window=60, methods=("GET",))
def public_map(request: HttpRequest) -> HttpResponse:
    form, _filters_unused = _filters(request, public=True)
    return render(
        request,
        "cases/public_map.html",
        {
            "form": form,
            "data_url": reverse("cases:public-map-data") + ("?" + request.GET.urlencode() if request.GET else ""),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "nav": "cases-public",
        },
    )


@login_not_required
@ratelimit(scope="cases-public", limit=240, window=60, methods=("GET",))
def public_map_data(request: HttpRequest) -> JsonResponse:
    """The map's markers: public cases with coordinates, with the same filters as the list."""
    _form, filters = _filters(request, public=True)
    rows = (
        public_case_list(filters=filters)
        .filter(lat__isnull=False, lng__isnull=False)
        .values("number", "lat", "lng", "status", "category__name", "community__name", "created_at")[:MAP_LIMIT]
    )
    labels = dict(Case.Status.choices)
    features = [
        {
            "number": r["number"],
            "lat": float(r["lat"] or 0),
            "lng": float(r["lng"] or 0),
            "status": r["status"],
            "status_label": str(labels.get(r["status"], r["status"])),
            "category": r["category__name"],
            "community": r["community__name"],
            "reported": timezone.localtime(r["created_at"]).strftime("%Y-%m-%d"),
            "url": reverse("cases:public-detail", args=[r["number"]]),
        }
        for r in rows
    ]
    return JsonResponse({"cases": features, "limit": MAP_LIMIT})


@login_not_required
@ratelimit(scope="cases-public", limit=240, window=60, methods=("GET",))
def public_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = get_object_or_404(_with_photos(public_cases()), number=number)
    return render(
        request,
        "cases/public_detail.html",
        {
            "case": case,
            "events": case_timeline(case=case),
            "can_join": case.status in Case.UNFINISHED_STATUSES,
            "staff_url": reverse("cases:manage-detail", args=[case.pk])
            if policy.can(request.user, policy.VIEW, case)
            else "",
            "nav": "cases-public",
        },
    )


@login_not_required
@require_POST
@ratelimit(scope="cases-me-too", limit=20, window=60)
def me_too(request: HttpRequest, number: str) -> HttpResponse:
    """“我也遇到”: join an unfinished public case instead of filing a duplicate."""
    case = get_object_or_404(public_cases(), number=number)
    try:
        counted = case_me_too(case=case, user=request.user, client_ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if counted:
            messages.success(request, _("已记录：您也遇到了这个问题。我们会一并督办。"))
        else:
            messages.info(request, _("您已经附议过这件诉求。"))
    return redirect("cases:public-detail", number=case.number)


def _report_source(user: Any) -> str:
    scope = policy.scope_for(user)
    if "grid_worker" in scope.roles:
        return Case.Source.GRID
    if scope.unit_ids:
        return Case.Source.SURVEY
    if scope.is_city_admin or "community_staff" in scope.roles:
        return Case.Source.STAFF
    return Case.Source.PUBLIC


def _nearby_for(form: forms.Form) -> list[Case]:
    data = getattr(form, "cleaned_data", {})
    category = data.get("category")
    if category is None:
        return []
    return nearby_open_cases(category=category, place=data.get("place"), lat=data.get("lat"), lng=data.get("lng"))


def _report(request: HttpRequest, *, staff: bool) -> HttpResponse:
    form_class = case_forms.StaffReportForm if staff else case_forms.ReportForm
    form = form_class(request.POST or None, request.FILES or None)
    nearby: list[Case] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nearby = _nearby_for(form)
        if nearby and not data.get("confirm_new"):
            # Show the open cases of the same kind nearby first; the reporter may join one.
            form.data = form.data.copy()  # type: ignore[attr-defined]
            form.data["confirm_new"] = "1"  # type: ignore[index]
            messages.info(
                request,
                _("附近已有同类问题在办理中：如是同一问题，请点“我也遇到”；否则请重新选择照片后再次提交。"),
            )
        else:
            try:
                case = case_report(
                    category=data["category"],
                    description=data["description"],
                    place=data.get("place"),
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    address=data.get("address", ""),
                    photos=data.get("photos", []),
                    reporter=request.user,
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    reporter_email=data.get("reporter_email", ""),
                    source=_report_source(request.user) if staff else Case.Source.PUBLIC,
                    client_ip=client_ip(request),
                    priority=data.get("priority") or "normal",
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if staff:
                    messages.success(request, _("诉求 %(n)s 已上报。") % {"n": case.number})
                    return redirect("cases:manage-detail", pk=case.pk)
                request.session["cases_new_token"] = case.follow_token  # type: ignore[attr-defined]
                return redirect(follow_path(case.follow_token))  # type: ignore[attr-defined]
    source = _report_source(request.user) if staff else Case.Source.PUBLIC
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "nearby": nearby,
            "staff": staff,
            "source": source,
            "source_label": Case.Source(source).label,
            "nav": "cases-manage" if staff else "cases-public",
        },
    )


@login_not_required
@ratelimit(scope="cases-report", limit=10, window=60)
def report(request: HttpRequest) -> HttpResponse:
    """The public report page: no account needed; the phone is optional and never shown publicly."""
    return _report(request, staff=False)


@login_not_required
@ratelimit(scope="cases-public", limit=240, window=60, methods=("GET",))
def nearby(request: HttpRequest) -> HttpResponse:
    """The nearby open cases for the report form (htmx fragment), as the reporter fills it in."""
    form = case_forms.ReportForm(request.GET)
    form.is_valid()
    return render(request, "cases/_nearby.html", {"nearby": _nearby_for(form)})


@login_not_required
@ratelimit(scope="cases-follow", limit=60, window=60, methods=("GET", "POST"))
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's private page: the case's progress, and the rating once it is done."""
    case = case_by_follow_token(token)
    if case is None:
        raise Http404
    is_new = request.session.pop("cases_new_token", None) == token
    can_rate = case.rating is None and case.status in (Case.Status.VERIFIED, Case.Status.CLOSED)
    form = case_forms.RateForm(request.POST or None)
    if request.method == "POST":
        if not can_rate:
            messages.error(request, _("这件诉求现在不能评价。"))
            return redirect(follow_path(token))
        if form.is_valid():
            try:
                case_rate(
                    case=case,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                    reopen=form.cleaned_data["reopen"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("感谢您的评价！"))
                return redirect(follow_path(token))
    photos = list(case.photos.order_by("id"))
    return render(
        request,
        "cases/follow.html",
        {
            "case": case,
            "events": case_timeline(case=case),
            "photos": photos,
            "form": form,
            "can_rate": can_rate,
            "is_new": is_new,
            "low_rating": LOW_RATING,
            "follow_url": request.build_absolute_uri(follow_path(token)),
            "nav": "cases-public",
        },
    )


@login_not_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A case photo: public for public cases, otherwise for those who may see the case. Every
    stored copy was stripped of location metadata when it was uploaded."""
    item = get_object_or_404(CasePhoto, pk=pk)
    if not photo_visible(photo=item, user=request.user):
        raise Http404
    try:
        handle = item.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(item.image.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600" if item.case.category.is_public else "private, max-age=3600"
    return response


# --- Staff pages ---------------------------------------------------------------------------------


def manage_list(request: HttpRequest) -> HttpResponse:
    """The cases the viewer may see: their community's, their unit's, or all for the city."""
    form, filters = _filters(request, public=False)
    qs = case_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = policy.scope_for(request.user)
    return render(
        request,
        "cases/manage_list.html",
        {
            "form": form,
            "page_obj": page,
            "now": timezone.now(),
            "can_report": bool(scope.is_city_admin or scope.community_ids or scope.unit_ids),
            "is_city_admin": scope.is_city_admin,
            "nav": "cases-manage",
        },
    )


def manage_export(request: HttpRequest) -> HttpResponse:
    """The list's cases, with its filters, as .xlsx (reporter contact only where the viewer
    handles the case)."""
    _form, filters = _filters(request, public=False)
    qs = case_list(user=request.user, filters=filters)
    visible_reporter = set(policy.restrict(qs, request.user, "view_reporter").values_list("pk", flat=True))
    now = timezone.now()

    def local(value: Any) -> Any:
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    rows = (
        (
            c.number,
            c.category.name,
            c.get_status_display(),
            c.get_priority_display(),
            c.district.name if c.district else "",
            c.community.name,
            c.address,
            c.description,
            c.unit.name if c.unit else "",
            c.get_source_display(),
            local(c.created_at),
            local(c.due_at),
            local(c.resolved_at),
            local(c.closed_at),
            _("是") if c.is_overdue(now) else _("否"),
            c.rating,
            c.me_too_count,
            c.reporter_name if c.pk in visible_reporter else "",
            c.reporter_phone if c.pk in visible_reporter else "",
        )
        for c in qs.iterator(chunk_size=500)
    )
    headers = [
        _("编号"),
        _("类别"),
        _("状态"),
        _("紧急程度"),
        _("区"),
        _("社区"),
        _("地址"),
        _("问题描述"),
        _("责任单位"),
        _("来源"),
        _("上报时间"),
        _("办理时限"),
        _("处置时间"),
        _("结案时间"),
        _("超期"),
        _("满意度"),
        _("“我也遇到”"),
        _("上报人"),
        _("联系电话"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"cases-{stamp}.xlsx", title=_("诉求"), headers=headers, rows=rows)


def manage_new(request: HttpRequest) -> HttpResponse:
    """A grid worker's report, a unit's survey finding, or a case staff take by phone."""
    scope = policy.scope_for(request.user)
    if not (scope.is_city_admin or scope.community_ids or scope.unit_ids):
        raise PermissionDenied
    return _report(request, staff=True)


def mine(request: HttpRequest) -> HttpResponse:
    """The cases the signed-in person reported."""
    cases = Case.objects.filter(reporter_id=request.user.pk).select_related("category", "community")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/mine.html", {"page_obj": page, "nav": "cases-manage"})


# The steps a viewer may take on a case page: (action, label, form, who, statuses).
StrOrPromise = str | Promise
Step = tuple[str, StrOrPromise, type[forms.Form], str, tuple[str, ...]]
S = Case.Status
STEPS: list[Step] = [
    ("accept", pgettext_lazy("case step", "受理"), case_forms.AcceptForm, HANDLE, (S.REPORTED,)),
    ("reject", pgettext_lazy("case step", "不予受理"), case_forms.ReasonForm, HANDLE, (S.REPORTED,)),
    ("dispatch", pgettext_lazy("case step", "派遣"), case_forms.DispatchForm, HANDLE, (S.ACCEPTED,)),
    ("start", pgettext_lazy("case step", "开始处置"), case_forms.NoteForm, WORK, (S.DISPATCHED,)),
    ("resolve", pgettext_lazy("case step", "处置完毕"), case_forms.ResolveForm, WORK, (S.DISPATCHED, S.IN_PROGRESS)),
    ("verify", pgettext_lazy("case step", "核查通过"), case_forms.NoteForm, HANDLE, (S.RESOLVED,)),
    ("send_back", pgettext_lazy("case step", "核查退回"), case_forms.ReasonForm, HANDLE, (S.RESOLVED,)),
    ("close", pgettext_lazy("case step", "结案"), case_forms.NoteForm, HANDLE, (S.VERIFIED,)),
    (
        "redispatch",
        pgettext_lazy("case step", "改派"),
        case_forms.RedispatchForm,
        HANDLE,
        (S.DISPATCHED, S.IN_PROGRESS),
    ),
    (
        "recategorise",
        pgettext_lazy("case step", "改类"),
        case_forms.RecategoriseForm,
        HANDLE,
        tuple(Case.UNFINISHED_STATUSES),
    ),
    ("merge", pgettext_lazy("case step", "合并重复"), case_forms.MergeForm, HANDLE, tuple(Case.UNFINISHED_STATUSES)),
    ("reopen", pgettext_lazy("case step", "重新办理"), case_forms.ReasonForm, HANDLE, (S.VERIFIED, S.CLOSED)),
]
STEP_BY_ACTION = {s[0]: s for s in STEPS}
# Steps aside from the main line, shown folded.
SECONDARY_STEPS = ("reject", "redispatch", "recategorise", "merge", "reopen")


def _run_step(action: str, case: Case, user: Any, data: dict[str, Any], request: HttpRequest) -> Case:
    calls: dict[str, Callable[[], Case]] = {
        "accept": lambda: case_accept(case=case, actor=user, priority=data.get("priority"), note=data.get("note", "")),
        "reject": lambda: case_reject(case=case, actor=user, reason=data["reason"]),
        "dispatch": lambda: case_dispatch(case=case, actor=user, unit=data["unit"], note=data.get("note", "")),
        "start": lambda: case_start(case=case, actor=user, note=data.get("note", "")),
        "resolve": lambda: case_resolve(case=case, actor=user, note=data["note"], photos=data.get("photos", [])),
        "verify": lambda: case_verify(case=case, actor=user, note=data.get("note", "")),
        "send_back": lambda: case_send_back(case=case, actor=user, reason=data["reason"]),
        "close": lambda: case_close(case=case, actor=user, note=data.get("note", "")),
        "redispatch": lambda: case_redispatch(case=case, actor=user, unit=data["unit"], reason=data["reason"]),
        "recategorise": lambda: case_recategorise(
            case=case, actor=user, category=data["category"], reason=data["reason"]
        ),
        "merge": lambda: _merge(case, user, data),
        "reopen": lambda: case_reopen(case=case, actor=user, reason=data["reason"]),
    }
    return calls[action]()


def _merge(case: Case, user: Any, data: dict[str, Any]) -> Case:
    into = policy.restrict(Case.objects.all(), user, HANDLE).filter(number=data["into"].strip()).first()
    if into is None:
        raise ValidationError({"into": _("找不到您可办理的这件诉求。")})
    return case_merge(case=case, into=into, actor=user, reason=data.get("reason", ""))


def _available_steps(case: Case, user: Any) -> list[tuple[Step, forms.Form]]:
    allowed = {
        action: policy.can(user, action, case)
        for action in {HANDLE, WORK}
        if any(s[3] == action and case.status in s[4] for s in STEPS)
    }
    out = []
    for step in STEPS:
        action, _label, form_class, who, statuses = step
        if case.status in statuses and allowed.get(who):
            form = form_class(prefix=action)
            if action == "accept":
                form.initial = {"priority": case.priority}
            if action in ("dispatch",):
                form.initial = {"unit": suggested_unit(case)}
            out.append((step, form))
    return out


def _case_page(request: HttpRequest, case: Case, bound: tuple[str, forms.Form] | None = None) -> HttpResponse:
    steps = _available_steps(case, request.user)
    if bound is not None:
        steps = [(s, bound[1] if s[0] == bound[0] else f) for s, f in steps]
    return render(
        request,
        "cases/manage_detail.html",
        {
            "case": case,
            "events": case_timeline(case=case).select_related("actor"),
            "photos": list(case.photos.order_by("id")),
            "steps": steps,
            "open_step": bound[0] if bound else "",
            "secondary": SECONDARY_STEPS,
            "show_reporter": may_see_reporter(user=request.user, case=case),
            "now": timezone.now(),
            "nav": "cases-manage",
        },
    )


def _case(request: HttpRequest, pk: int) -> Case:
    qs = Case.objects.select_related("category", "community", "district", "unit", "place", "merged_into", "reporter")
    return policy.get_object(qs, request.user, pk)


def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one step of the workflow; the service checks the role, the scope and the status."""
    step = STEP_BY_ACTION.get(action)
    if step is None:
        raise Http404
    case = _case(request, pk)
    form = step[2](request.POST, request.FILES, prefix=action)
    if form.is_valid():
        try:
            _run_step(action, case, request.user, form.cleaned_data, request)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已%(step)s。") % {"step": step[1]})
            if policy.can(request.user, policy.VIEW, case):
                return redirect("cases:manage-detail", pk=case.pk)
            return redirect("cases:manage-list")
    return _case_page(request, _case(request, pk), bound=(action, form))


# --- The catalogue -------------------------------------------------------------------------------


def category_list(request: HttpRequest) -> HttpResponse:
    categories = policy.restrict(Category.objects.select_related("default_unit"), request.user, policy.VIEW)
    return render(
        request,
        "cases/category_list.html",
        {"categories": categories, "is_city_admin": policy.is_city_admin(request.user), "nav": "cases-manage"},
    )


def category_import(request: HttpRequest) -> HttpResponse:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    from gongjian.cases.jobs import CATEGORY_COLUMNS, CATEGORY_OPTIONAL

    return import_page(
        request,
        kind="cases.categories_import",
        template="cases/category_import.html",
        context={"columns": CATEGORY_COLUMNS + CATEGORY_OPTIONAL, "nav": "cases-manage"},
    )
