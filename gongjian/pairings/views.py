import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.core import policy
from gongjian.core.exports import xlsx_response
from gongjian.core.forms import AsOfForm, submit
from gongjian.core.imports import import_page
from gongjian.pairings.figures import weekly_visits_chart
from gongjian.pairings.forms import CampaignForm, PairingForm, VisitFilterForm, VisitForm
from gongjian.pairings.models import Campaign, Pairing, Visit, VisitPhoto
from gongjian.pairings.selectors import (
    campaign_default_as_of,
    campaign_progress,
    pairing_status_rows,
    reportable_pairings,
    visit_list,
    visit_units,
    visits_per_week,
)
from gongjian.pairings.services import (
    PAIRING_COLUMNS,
    PAIRING_OPTIONAL,
    campaign_create,
    campaign_update,
    pairing_create,
    pairing_delete,
    visit_create,
    visit_delete,
    visit_photo_delete,
    visit_update,
)


def _require_admin(request: HttpRequest) -> None:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = policy.restrict(Campaign.objects.all(), request.user, policy.VIEW)
    rows = [(c, campaign_progress(campaign=c, as_of=campaign_default_as_of(c))) for c in campaigns]
    return render(
        request,
        "pairings/campaign_list.html",
        {"rows": rows, "can_edit": policy.is_city_admin(request.user), "nav": "campaigns"},
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's progress as of any date: units that have visited out of all paired units,
    visits per week, and (for those who may see them) each pairing's visits."""
    campaign = policy.get_object(Campaign.objects.all(), request.user, pk)
    form = AsOfForm(request.GET or None)
    as_of = campaign_default_as_of(campaign)
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    elif not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of})
    progress = campaign_progress(campaign=campaign, as_of=as_of)
    weeks = visits_per_week(campaign=campaign, as_of=as_of)
    chart = weekly_visits_chart(weeks)
    rows = pairing_status_rows(user=request.user, campaign=campaign, as_of=as_of)
    status = request.GET.get("status", "")
    if status == "visited":
        rows = rows.filter(first_visit__isnull=False)  # type: ignore[misc]
    elif status == "not_visited":
        rows = rows.filter(first_visit__isnull=True)  # type: ignore[misc]
    return render(
        request,
        "pairings/campaign_detail.html",
        {
            "campaign": campaign,
            "form": form,
            "progress": progress,
            "chart": chart,
            "rows": rows,
            "status": status,
            "can_edit": policy.is_city_admin(request.user),
            "nav": "campaigns",
        },
    )


def campaign_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: (
                campaign_create(**data)
                if campaign is None
                else campaign_update(campaign=Campaign.objects.get(pk=campaign.pk), **data)
            ),
        )
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("pairings:campaign-detail", pk=saved.pk)
    return render(request, "pairings/campaign_form.html", {"form": form, "campaign": campaign, "nav": "campaigns"})


def pairing_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    form = PairingForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: pairing_create(campaign=campaign, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已添加联点共建关系。"))
            return redirect("pairings:campaign-detail", pk=campaign.pk)
    return render(request, "pairings/pairing_form.html", {"form": form, "campaign": campaign, "nav": "campaigns"})


@require_POST
def pairing_remove(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_object_or_404(policy.restrict(Pairing.objects.all(), request.user, policy.DELETE), pk=pk)
    try:
        pairing_delete(pairing=pairing)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除。"))
    return redirect("pairings:campaign-detail", pk=pairing.campaign_id)


def pairing_import_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return import_page(
        request,
        kind="pairings.import",
        template="pairings/pairing_import.html",
        context={"columns": PAIRING_COLUMNS + PAIRING_OPTIONAL, "nav": "campaigns"},
    )


def _visit_filters(request: HttpRequest) -> tuple[VisitFilterForm, Any]:
    """The visit filter form and the scoped, filtered visits (shared by the list and its export)."""
    form = VisitFilterForm(request.GET or None, units=visit_units(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    visits = visit_list(
        user=request.user,
        campaign=filters.get("campaign"),
        unit_id=filters["unit"].pk if filters.get("unit") else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        led_by_head=filters.get("led_by_head"),
    )
    return form, visits


def visit_index(request: HttpRequest) -> HttpResponse:
    form, visits = _visit_filters(request)
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "pairings/visit_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_report": reportable_pairings(user=request.user).exists(),
            "nav": "visits",
        },
    )


def visit_export(request: HttpRequest) -> HttpResponse:
    """The visits the user may see (with the list's filters) as .xlsx."""
    _form, visits = _visit_filters(request)
    rows = (
        (
            v.visited_on,
            v.pairing.campaign.year,
            v.pairing.unit.name,
            v.pairing.community.name,
            _("是") if v.led_by_head else _("否"),
            v.leader_name,
            v.participants,
            v.participant_count,
            v.findings,
            v.actions,
            v.photo_count,
        )
        for v in visits.iterator(chunk_size=500)
    )
    headers = [
        _("走访日期"),
        _("年度"),
        _("单位"),
        _("联点社区"),
        _("“一把手”带队"),
        _("带队领导"),
        _("参加人员"),
        _("参加人数"),
        _("了解到的问题"),
        _("商定的措施"),
        _("照片"),
    ]
    return xlsx_response(filename="visits.xlsx", title=_("走访记录"), headers=headers, rows=rows)


def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Each pairing the user may see, with its visits as of a date, as .xlsx."""
    campaign = policy.get_object(Campaign.objects.all(), request.user, pk)
    form = AsOfForm(request.GET or None)
    as_of = (
        form.cleaned_data["as_of"]
        if form.is_valid() and form.cleaned_data["as_of"]
        else campaign_default_as_of(campaign)
    )
    rows = (
        (
            r.unit.name,
            r.unit.get_kind_display(),
            r.community.parent.parent.name if r.community.parent and r.community.parent.parent else "",
            r.community.parent.name if r.community.parent else "",
            r.community.name,
            r.visit_count,  # type: ignore[attr-defined]
            r.first_visit,  # type: ignore[attr-defined]
            r.head_led,  # type: ignore[attr-defined]
        )
        for r in pairing_status_rows(user=request.user, campaign=campaign, as_of=as_of)
    )
    headers = [
        _("单位"),
        _("单位类别"),
        _("区"),
        _("街道"),
        _("联点社区"),
        _("走访次数"),
        _("首次走访"),
        _("“一把手”带队次数"),
    ]
    return xlsx_response(
        filename=f"pairings-{campaign.year}-{as_of.isoformat()}.xlsx",
        title=str(campaign.year),
        headers=headers,
        rows=rows,
    )


def visit_new(request: HttpRequest) -> HttpResponse:
    """A liaison records a visit to their unit's community (with photos)."""
    pairings = reportable_pairings(user=request.user)
    if not pairings.exists():
        raise PermissionDenied
    form = VisitForm(request.POST or None, request.FILES or None, pairings=pairings)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos")
        pairing = data.pop("pairing")
        visit = submit(form, lambda: visit_create(pairing=pairing, actor=request.user, photos=photos, **data))
        if visit is not None:
            messages.success(request, _("走访记录已保存。"))
            return redirect("pairings:visit-detail", pk=visit.pk)
    return render(request, "pairings/visit_form.html", {"form": form, "nav": "visits"})


def _visit(request: HttpRequest, pk: int, action: str = policy.VIEW) -> Visit:
    visits = Visit.objects.select_related("pairing__unit", "pairing__community", "pairing__campaign")
    return policy.get_object(visits, request.user, pk, action)


def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    return render(
        request,
        "pairings/visit_detail.html",
        {
            "visit": visit,
            "photos": visit.photos.all(),
            "can_edit": policy.can(request.user, policy.CHANGE, visit),
            "nav": "visits",
        },
    )


def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, policy.CHANGE)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        instance=visit,
        pairings=Pairing.objects.filter(pk=visit.pairing_id),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos")
        saved = submit(form, lambda: visit_update(visit=Visit.objects.get(pk=visit.pk), photos=photos, **data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("pairings:visit-detail", pk=visit.pk)
    return render(request, "pairings/visit_form.html", {"form": form, "visit": visit, "nav": "visits"})


@require_POST
def visit_remove(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, policy.DELETE)
    visit_delete(visit=visit)
    messages.success(request, _("走访记录已删除。"))
    return redirect("pairings:visit-list")


@require_POST
def visit_photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(policy.restrict(VisitPhoto.objects.all(), request.user, policy.DELETE), pk=pk)
    visit_id = photo.visit_id
    visit_photo_delete(photo=photo)
    return redirect("pairings:visit-edit", pk=visit_id)


def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a visit photo to those who may see the visit (photos are not public files)."""
    photo = policy.get_object(VisitPhoto.objects.all(), request.user, pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(photo.image.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
