"""Pages: plans and their workflow, the ledger, projects, commendations, the ranking, weights,
a unit's scorecard and a community's view. Thin: forms in, services for writes, selectors for reads."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.cobuilding import selectors as sel
from gongjian.cobuilding import services as svc
from gongjian.cobuilding.documents import plan_docx
from gongjian.cobuilding.forms import (
    CampaignFilterForm,
    CommendationForm,
    CompareForm,
    ContributionForm,
    PlanForm,
    PlanItemForm,
    ProjectForm,
    ProjectPhotoForm,
    RankingFilterForm,
    ReturnForm,
    TotalsFilterForm,
    WeightsForm,
)
from gongjian.cobuilding.models import (
    Commendation,
    Contribution,
    ContributionKind,
    PlanItem,
    PlanStatus,
    Project,
    ProjectPhoto,
)
from gongjian.core import policy
from gongjian.core.exports import xlsx_response
from gongjian.core.forms import submit
from gongjian.pairings.models import Campaign, Pairing
from gongjian.pairings.selectors import campaign_current, visit_list
from gongjian.places.models import Place, PlaceKind

RANKING_PAGE_SIZE = 120
TOP_N = 10  # the red list is the top ten, the black list the bottom ten
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _campaign(request: HttpRequest) -> tuple[CampaignFilterForm, Campaign | None]:
    form = CampaignFilterForm(request.GET or None)
    campaign = form.cleaned_data.get("campaign") if form.is_valid() else None
    campaign = campaign or campaign_current()
    if not form.is_bound and campaign:
        form = CampaignFilterForm(initial={"campaign": campaign.pk})
    return form, campaign


def _serve(field: Any) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=mimetypes.guess_type(field.name or "")[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Plans -------------------------------------------------------------------------------------


def plan_index(request: HttpRequest) -> HttpResponse:
    form, campaign = _campaign(request)
    status = request.GET.get("status", "")
    plans = sel.plan_list(user=request.user, campaign=campaign, status=status if status in PlanStatus.values else "")
    mine = sel.reportable_pairings(user=request.user, campaign=campaign).filter(plan__isnull=True)
    return render(
        request,
        "cobuilding/plan_list.html",
        {
            "form": form,
            "campaign": campaign,
            "plans": plans,
            "status": status,
            "statuses": PlanStatus.choices,
            "unplanned": mine,
            "nav": "cobuilding",
        },
    )


def plan_new(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = get_object_or_404(sel.reportable_pairings(user=request.user), pk=pairing_id)
    if hasattr(pairing, "plan"):
        return redirect("cobuilding:plan-detail", pk=pairing.plan.pk)
    form = PlanForm(request.POST or None, initial={"title": svc.plan_default_title(pairing)})
    if request.method == "POST" and form.is_valid():
        plan = submit(form, lambda: svc.plan_create(pairing=pairing, actor=request.user, **form.cleaned_data))
        if plan is not None:
            messages.success(request, _("方案草稿已创建，请添加工作事项。"))
            return redirect("cobuilding:plan-detail", pk=plan.pk)
    return render(
        request, "cobuilding/form.html", {"form": form, "title": _("编制共建工作实施方案"), "nav": "cobuilding"}
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get(user=request.user, pk=pk)
    revisions = list(sel.revision_list(plan=plan))
    return render(
        request,
        "cobuilding/plan_detail.html",
        {
            "plan": plan,
            "areas": sel.plan_items_by_area(plan),
            "progress": sel.plan_progress(plan),
            "revisions": revisions,
            "can": sel.plan_permissions(user=request.user, plan=plan),
            "return_form": ReturnForm(),
            "nav": "cobuilding",
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get(user=request.user, pk=pk, action=policy.CHANGE)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: svc.plan_update(plan=plan, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("cobuilding:plan-detail", pk=plan.pk)
    return render(
        request, "cobuilding/form.html", {"form": form, "title": _("修改方案"), "back": plan, "nav": "cobuilding"}
    )


def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.plan_get(user=request.user, pk=pk, action=policy.CHANGE)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = submit(form, lambda: svc.plan_item_add(plan=plan, **form.cleaned_data))
        if item is not None:
            messages.success(request, _("已添加事项“%(title)s”。") % {"title": item.title})
            return redirect("cobuilding:plan-detail", pk=plan.pk)
    return render(
        request, "cobuilding/form.html", {"form": form, "title": _("添加工作事项"), "back": plan, "nav": "cobuilding"}
    )


def _item(request: HttpRequest, pk: int, action: str) -> PlanItem:
    return policy.get_object(PlanItem.objects.select_related("plan__pairing__campaign"), request.user, pk, action)


def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, policy.CHANGE)
    form = PlanItemForm(request.POST or None, instance=item, progress_only=not item.plan.is_editable)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: svc.plan_item_update(item=item, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("cobuilding:plan-detail", pk=item.plan_id)
    title = _("修改工作事项") if item.plan.is_editable else _("更新事项进度")
    return render(
        request, "cobuilding/form.html", {"form": form, "title": title, "back": item.plan, "nav": "cobuilding"}
    )


@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, policy.DELETE)
    try:
        svc.plan_item_delete(item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除。"))
    return redirect("cobuilding:plan-detail", pk=item.plan_id)


def _transition(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    plan = sel.plan_get(user=request.user, pk=pk)
    try:
        run(plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("cobuilding:plan-detail", pk=plan.pk)


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, lambda p: svc.plan_submit(plan=p, actor=request.user), _("方案已提交社区确认。"))


@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _transition(
        request, pk, lambda p: svc.plan_return(plan=p, actor=request.user, comment=comment), _("方案已退回修改。")
    )


@require_POST
def plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _transition(
        request, pk, lambda p: svc.plan_agree(plan=p, actor=request.user, comment=comment), _("已同意该方案。")
    )


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, lambda p: svc.plan_approve(plan=p, actor=request.user), _("方案已批准。"))


def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two revisions of the plan, item by item."""
    plan = sel.plan_get(user=request.user, pk=pk)
    revisions = list(sel.revision_list(plan=plan))
    if len(revisions) < 2:
        messages.info(request, _("方案至少提交两次后才能对比。"))
        return redirect("cobuilding:plan-detail", pk=plan.pk)
    form = CompareForm(request.GET or None)
    by_number = {r.number: r for r in revisions}
    a, b = revisions[-2], revisions[-1]
    if form.is_valid():
        a = by_number.get(form.cleaned_data["a"], a)
        b = by_number.get(form.cleaned_data["b"], b)
    return render(
        request,
        "cobuilding/plan_compare.html",
        {"plan": plan, "revisions": revisions, "diff": sel.revision_compare(a=a, b=b), "nav": "cobuilding"},
    )


def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved plan as a Word document."""
    plan = sel.plan_get(user=request.user, pk=pk)
    if plan.status != PlanStatus.APPROVED:
        raise Http404
    response = HttpResponse(plan_docx(plan), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pairing.campaign.year}-{plan.pk}.docx"'
    return response


# --- Ledger ------------------------------------------------------------------------------------


def ledger_index(request: HttpRequest) -> HttpResponse:
    form, campaign = _campaign(request)
    kind = request.GET.get("kind", "")
    entries = sel.contribution_list(
        user=request.user, campaign=campaign, kind=kind if kind in ContributionKind.values else ""
    )
    editable = set(sel.reportable_pairings(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "cobuilding/ledger_list.html",
        {
            "form": form,
            "campaign": campaign,
            "kind": kind,
            "kinds": ContributionKind.choices,
            "page_obj": Paginator(entries, 50).get_page(request.GET.get("page")),
            "sum": sel.contribution_sum(entries),
            "can_report": bool(editable),
            "editable": editable,
            "nav": "cobuilding",
        },
    )


def ledger_totals(request: HttpRequest) -> HttpResponse:
    form = TotalsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    campaign = data.get("campaign") or campaign_current()
    by = data.get("by") or "unit"
    if not form.is_bound:
        form = TotalsFilterForm(initial={"campaign": campaign.pk if campaign else None, "by": by})
    totals = sel.contribution_totals(user=request.user, by=by, campaign=None if by == "campaign" else campaign)
    return render(
        request,
        "cobuilding/ledger_totals.html",
        {"form": form, "campaign": campaign, "by": by, "totals": totals, "nav": "cobuilding"},
    )


def ledger_new(request: HttpRequest) -> HttpResponse:
    pairings = sel.reportable_pairings(user=request.user)
    if not pairings.exists():
        raise PermissionDenied
    form = ContributionForm(request.POST or None, pairings=pairings)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pairing = data.pop("pairing")
        entry = submit(form, lambda: svc.contribution_create(pairing=pairing, actor=request.user, **data))
        if entry is not None:
            messages.success(request, _("投入已记入台账。"))
            return redirect("cobuilding:ledger-list")
    return render(request, "cobuilding/form.html", {"form": form, "title": _("记录投入"), "nav": "cobuilding"})


def ledger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = policy.get_object(Contribution.objects.select_related("pairing__campaign"), request.user, pk, policy.CHANGE)
    form = ContributionForm(request.POST or None, instance=entry, pairings=Pairing.objects.filter(pk=entry.pairing_id))
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: svc.contribution_update(entry=entry, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("cobuilding:ledger-list")
    return render(request, "cobuilding/form.html", {"form": form, "title": _("修改投入"), "nav": "cobuilding"})


@require_POST
def ledger_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = policy.get_object(Contribution.objects.all(), request.user, pk, policy.DELETE)
    svc.contribution_delete(entry=entry)
    messages.success(request, _("已删除。"))
    return redirect("cobuilding:ledger-list")


# --- Projects ----------------------------------------------------------------------------------


def project_index(request: HttpRequest) -> HttpResponse:
    form, campaign = _campaign(request)
    return render(
        request,
        "cobuilding/project_list.html",
        {
            "form": form,
            "projects": sel.project_list(user=request.user, campaign=campaign),
            "can_report": sel.reportable_pairings(user=request.user).exists(),
            "nav": "cobuilding",
        },
    )


def project_new(request: HttpRequest) -> HttpResponse:
    pairings = sel.reportable_pairings(user=request.user)
    if not pairings.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, pairings=pairings)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pairing = data.pop("pairing")
        project = submit(form, lambda: svc.project_create(pairing=pairing, **data))
        if project is not None:
            messages.success(request, _("项目已创建。"))
            return redirect("cobuilding:project-detail", pk=project.pk)
    return render(request, "cobuilding/form.html", {"form": form, "title": _("新建共建项目"), "nav": "cobuilding"})


def _project(request: HttpRequest, pk: int, action: str = policy.VIEW) -> Project:
    qs = Project.objects.select_related("pairing__campaign", "pairing__unit", "pairing__community", "plan_item")
    return policy.get_object(qs, request.user, pk, action)


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    photos = list(project.photos.all())
    entries = sel.contribution_list(user=request.user).filter(project=project)
    return render(
        request,
        "cobuilding/project_detail.html",
        {
            "project": project,
            "before": [p for p in photos if p.stage == "before"],
            "after": [p for p in photos if p.stage == "after"],
            "entries": entries,
            "sum": sel.contribution_sum(entries),
            "cases": sel.project_cases(user=request.user, project=project),
            "can_edit": policy.can(request.user, policy.CHANGE, project),
            "photo_form": ProjectPhotoForm(),
            "nav": "cobuilding",
        },
    )


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, policy.CHANGE)
    form = ProjectForm(request.POST or None, instance=project, pairings=Pairing.objects.filter(pk=project.pairing_id))
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: svc.project_update(project=project, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("cobuilding:project-detail", pk=project.pk)
    return render(request, "cobuilding/form.html", {"form": form, "title": _("修改项目"), "nav": "cobuilding"})


@require_POST
def project_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, policy.CHANGE)
    form = ProjectPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            svc.project_photo_add(
                project=project,
                stage=form.cleaned_data["stage"],
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(
            request,
            "；".join(f"{form.fields[k].label}：{'；'.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
    return redirect("cobuilding:project-detail", pk=project.pk)


def project_photo(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(policy.get_object(ProjectPhoto.objects.all(), request.user, pk).image)


@require_POST
def project_photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    photo = policy.get_object(ProjectPhoto.objects.all(), request.user, pk, policy.DELETE)
    project_id = photo.project_id
    svc.project_photo_delete(photo=photo)
    return redirect("cobuilding:project-detail", pk=project_id)


# --- Commendations -----------------------------------------------------------------------------


def commendation_index(request: HttpRequest) -> HttpResponse:
    form, campaign = _campaign(request)
    deletable = set(sel.commendable_pairings(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "cobuilding/commendation_list.html",
        {
            "form": form,
            "items": sel.commendation_list(user=request.user, campaign=campaign),
            "can_record": bool(deletable),
            "deletable": deletable,
            "nav": "cobuilding",
        },
    )


def commendation_new(request: HttpRequest) -> HttpResponse:
    pairings = sel.commendable_pairings(user=request.user)
    if not pairings.exists():
        raise PermissionDenied
    form = CommendationForm(request.POST or None, request.FILES or None, pairings=pairings)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pairing = data.pop("pairing")
        photo = data.pop("photo")
        item = submit(form, lambda: svc.commendation_create(pairing=pairing, actor=request.user, photo=photo, **data))
        if item is not None:
            messages.success(request, _("表扬已登记。"))
            return redirect("cobuilding:commendation-list")
    return render(
        request,
        "cobuilding/form.html",
        {"form": form, "title": _("登记锦旗、感谢信"), "multipart": True, "nav": "cobuilding"},
    )


def commendation_photo(request: HttpRequest, pk: int) -> FileResponse:
    item = policy.get_object(Commendation.objects.all(), request.user, pk)
    if not item.photo:
        raise Http404
    return _serve(item.photo)


@require_POST
def commendation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = policy.get_object(Commendation.objects.all(), request.user, pk, policy.DELETE)
    svc.commendation_delete(item=item)
    messages.success(request, _("已删除。"))
    return redirect("cobuilding:commendation-list")


# --- Scorecard and ranking ---------------------------------------------------------------------


def _ranking_filters(request: HttpRequest) -> tuple[RankingFilterForm, Campaign | None, dict[str, Any]]:
    form = RankingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    campaign = data.get("campaign") or campaign_current()
    if not form.is_bound and campaign:
        form = RankingFilterForm(initial={"campaign": campaign.pk})
    district = data.get("district")
    return form, campaign, {"district_id": district.pk if district else None, "kind": data.get("kind", "")}


def ranking_page(request: HttpRequest) -> HttpResponse:
    """红黑榜: every unit of the campaign ranked by its score, the formula and weights shown."""
    form, campaign, filters = _ranking_filters(request)
    if campaign is None:
        raise Http404
    board = sel.ranking(campaign=campaign, **filters)
    top_n = TOP_N
    # Every unit is ranked; the full table is shown a page at a time (the xlsx has all rows).
    page = Paginator(board.rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cobuilding/ranking.html",
        {
            "form": form,
            "board": board,
            "campaign": campaign,
            "red": board.rows[:top_n],
            "black": list(reversed(board.rows[-top_n:])) if len(board.rows) > top_n else [],
            "page_obj": page,
            "can_weigh": sel.weights_settable(user=request.user),
            "query": request.GET.urlencode(),
            "nav": "ranking",
        },
    )


def _weight_text(weight: Any) -> str:
    """40.00 → "40", 12.50 → "12.5": a weight as the formula shows it."""
    return format(weight.normalize(), "f") if weight else "0"


def ranking_export(request: HttpRequest) -> HttpResponse:
    _form, campaign, filters = _ranking_filters(request)
    if campaign is None:
        raise Http404
    board = sel.ranking(campaign=campaign, **filters)
    headers = [_("名次"), _("单位"), _("单位类别"), _("联点社区"), _("区"), _("总分"), _("榜单")]
    headers += [f"{p.title}（{_weight_text(p.weight)}）" for p in board.parts]
    n = len(board.rows)

    def board_of(index: int) -> str:
        if index < TOP_N:
            return _("红榜")
        return _("黑榜") if n > TOP_N and index >= n - TOP_N else ""

    rows = (
        [r.rank, r.unit_name, r.unit_kind_label, r.community_name, r.district_name, float(r.total), board_of(i)]
        + [float(p.points) for p in r.parts]
        for i, r in enumerate(board.rows)
    )
    return xlsx_response(
        filename=f"ranking-{campaign.year}.xlsx",
        title=_("%(year)s 红黑榜") % {"year": campaign.year},
        headers=headers,
        rows=rows,
    )


def weights_page(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """The city office sets each part's weight for a campaign (audited)."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    if not sel.weights_settable(user=request.user):
        raise PermissionDenied
    parts = sel.score_weights(campaign=campaign)
    form = WeightsForm(request.POST or None, parts=parts)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form, lambda: svc.score_weights_set(campaign=campaign, weights=dict(form.cleaned_data), actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("权重已保存，排名已按新权重计算。"))
            return redirect(reverse("cobuilding:ranking") + f"?campaign={campaign.pk}")
    return render(
        request,
        "cobuilding/weights.html",
        {
            "form": form,
            "campaign": campaign,
            "parts": parts,
            "changes": sel.weight_changes(user=request.user, campaign=campaign),
            "nav": "ranking",
        },
    )


def scorecard_page(request: HttpRequest, campaign_pk: int, unit_pk: int) -> HttpResponse:
    campaign = policy.get_object(Campaign.objects.all(), request.user, campaign_pk)
    board = sel.ranking(campaign=campaign)
    row = next((r for r in board.rows if r.unit_id == unit_pk), None)
    if row is None:
        raise Http404
    return render(
        request,
        "cobuilding/scorecard.html",
        {"board": board, "row": row, "campaign": campaign, "of": len(board.rows), "nav": "ranking"},
    )


# --- A community's view ------------------------------------------------------------------------


def community_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the units paired with this community have done for it."""
    community = get_object_or_404(Place, pk=pk, kind=PlaceKind.COMMUNITY)
    form, campaign = _campaign(request)
    pairings = list(sel.community_pairings(user=request.user, community_id=community.pk, campaign=campaign))
    if not pairings:
        raise Http404
    blocks = []
    for pairing in pairings:
        plan = getattr(pairing, "plan", None)
        entries: QuerySet[Contribution] = sel.contribution_list(user=request.user).filter(pairing=pairing)
        blocks.append(
            {
                "pairing": pairing,
                "visits": visit_list(user=request.user).filter(pairing=pairing)[:10],
                "visit_count": visit_list(user=request.user).filter(pairing=pairing).count(),
                "plan": plan,
                "progress": sel.plan_progress(plan) if plan else None,
                "sum": sel.contribution_sum(entries),
                "projects": sel.project_list(user=request.user).filter(pairing=pairing),
                "commendations": sel.commendation_list(user=request.user).filter(pairing=pairing),
                "cases": sel.resolved_cases(user=request.user, pairing=pairing)[:20],
            }
        )
    return render(
        request,
        "cobuilding/community.html",
        {"community": community, "form": form, "blocks": blocks, "campaign": campaign, "nav": "cobuilding"},
    )
