"""Writes for plans, the ledger, projects, commendations and score weights.

Each function checks its input (a bad value raises ValidationError naming the field, in Chinese,
and changes nothing), writes in one transaction, and leaves the audit trail to the model
registration plus explicit events for the plan's workflow. Workflow steps also check who acts:
the policy is asked here, not only by the page, so the API and the pages cannot disagree.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.models import Membership, Role
from gongjian.cobuilding.models import (
    Commendation,
    Contribution,
    ContributionKind,
    ItemStatus,
    PhotoStage,
    Plan,
    PlanItem,
    PlanRevision,
    PlanStatus,
    Project,
    ProjectPhoto,
    ScoreWeight,
    WorkArea,
)
from gongjian.cobuilding.policies import APPROVE, REVIEW
from gongjian.core import audit, policy, scorecard
from gongjian.core.notify import notify
from gongjian.core.uploads import clean_photo
from gongjian.pairings.models import Campaign, Pairing

PLAN_FIELDS = ("title", "basis", "goals", "safeguards")
ITEM_FIELDS = ("area", "title", "target", "budget", "due_on", "responsible")
ITEM_PROGRESS_FIELDS = ("progress", "status", "completed_on")
CONTRIBUTION_FIELDS = (
    "kind",
    "made_on",
    "amount",
    "person_times",
    "material",
    "quantity",
    "measure",
    "description",
    "plan_item",
    "project",
    "case",
)
PROJECT_FIELDS = ("name", "description", "plan_item", "budget", "spent", "status", "started_on", "completed_on")
COMMENDATION_FIELDS = ("kind", "text", "given_on", "given_by")
MAX_PROJECT_PHOTOS = 12


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({k: _("该字段不可修改。") for k in sorted(unknown)})


def _check_money(field: str, value: Any, *, what: str | None = None) -> None:
    """A decimal that is a number, finite, not negative and has at most two decimals; ``what``
    names the quantity in the message (the amount in yuan unless told)."""
    if value is None:
        return
    noun = what or _("金额")
    if not isinstance(value, Decimal):
        raise ValidationError({field: _("%(what)s应为数字。") % {"what": noun}})
    if not value.is_finite():
        raise ValidationError({field: _("%(what)s应为有限的数字。") % {"what": noun}})
    if value < 0:
        raise ValidationError({field: _("%(what)s不能为负数。") % {"what": noun}})
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError({field: _("%(what)s最多保留两位小数。") % {"what": noun}})


def _in_campaign(field: str, day: datetime.date | None, campaign: Campaign) -> None:
    if day and not (campaign.starts_on <= day <= campaign.ends_on):
        raise ValidationError(
            {
                field: _("日期应在 %(start)s 至 %(end)s 之间（本年度共建活动期间）。")
                % {"start": campaign.starts_on, "end": campaign.ends_on}
            }
        )


def _not_future(field: str, day: datetime.date | None) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})


class _System:
    """The actor of the demo loader and of data loads: no person, no policy check."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Any = _System()


def _require(user: Any, action: str, obj: Any) -> None:
    if user is SYSTEM:
        return
    if not policy.can(user, action, obj):
        raise PermissionDenied


def _person(actor: Any) -> Any:
    return None if actor is SYSTEM else actor


def _notify(actor: Any, recipients: list[Any], **message: Any) -> None:
    """Tell people about a step of the workflow; loads acting as SYSTEM (the demo's past) tell nobody."""
    if actor is not SYSTEM:
        notify(recipients, **message)


def _community_staff(pairing: Pairing) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.COMMUNITY_STAFF, place_id=pairing.community_id, is_active=True
        ).select_related("user")
    ]


def _liaisons(pairing: Pairing) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.UNIT_LIAISON, unit_id=pairing.unit_id, is_active=True
        ).select_related("user")
    ]


def _city_admins() -> list[Any]:
    return [m.user for m in Membership.objects.filter(role=Role.CITY_ADMIN, is_active=True).select_related("user")]


# --- Plans -------------------------------------------------------------------------------------


def plan_default_title(pairing: Pairing) -> str:
    return _("%(year)s年度%(unit)s%(community)s共建工作实施方案") % {
        "year": pairing.campaign.year,
        "unit": pairing.unit.display_name,
        "community": pairing.community.name,
    }


@transaction.atomic
def plan_create(*, pairing: Pairing, actor: Any, **fields: Any) -> Plan:
    """Start the pairing's plan as a draft (a pairing has one plan)."""
    _only(fields, PLAN_FIELDS)
    if Plan.objects.filter(pairing=pairing).exists():
        raise ValidationError({"pairing": _("该联点关系已有实施方案。")})
    plan = Plan(pairing=pairing, **fields)
    if not plan.title:
        plan.title = plan_default_title(pairing)
    plan.full_clean(exclude=["pairing"])
    plan.save()
    return plan


def _check_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            {"status": _("方案当前状态为“%(status)s”，不能修改。") % {"status": plan.get_status_display()}}
        )


@transaction.atomic
def plan_update(*, plan: Plan, **fields: Any) -> Plan:
    _only(fields, PLAN_FIELDS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_editable(plan)
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean(exclude=["pairing"])
    plan.save()
    return plan


def _check_item(item: PlanItem, campaign: Campaign) -> None:
    _check_money("budget", item.budget)
    if item.area and item.area not in WorkArea.values:
        raise ValidationError({"area": _("请选择五大任务之一。")})
    _in_campaign("due_on", item.due_on, campaign)
    if item.status == ItemStatus.DONE:
        if item.completed_on is None:
            item.completed_on = timezone.localdate()
        item.progress = 100
    else:
        item.completed_on = None
    _not_future("completed_on", item.completed_on)
    item.full_clean(exclude=["plan"])


@transaction.atomic
def plan_item_add(*, plan: Plan, **fields: Any) -> PlanItem:
    """Add an item to a draft (or returned) plan; its due date must fall inside the campaign."""
    _only(fields, ITEM_FIELDS + ITEM_PROGRESS_FIELDS)
    plan = Plan.objects.select_for_update().select_related("pairing__campaign").get(pk=plan.pk)
    _check_editable(plan)
    item = PlanItem(plan=plan, **fields)
    _check_item(item, plan.pairing.campaign)
    item.save()
    return item


@transaction.atomic
def plan_item_update(*, item: PlanItem, **fields: Any) -> PlanItem:
    """Change an item. What, target, budget, due date and who is responsible change only while the
    plan is a draft or returned; progress, status and completion date may be updated at any time."""
    _only(fields, ITEM_FIELDS + ITEM_PROGRESS_FIELDS)
    item = PlanItem.objects.select_related("plan__pairing__campaign").get(pk=item.pk)
    plan = item.plan
    structural = {k for k in fields if k in ITEM_FIELDS and getattr(item, k) != fields[k]}
    if structural and not plan.is_editable:
        raise ValidationError(
            {
                sorted(structural)[0]: _("方案已提交，事项内容不能修改；如需调整，请由社区退回后修改。"),
            }
        )
    for key, value in fields.items():
        setattr(item, key, value)
    _check_item(item, plan.pairing.campaign)
    item.save()
    return item


@transaction.atomic
def plan_item_delete(*, item: PlanItem) -> None:
    _check_editable(item.plan)
    if item.contributions.exists():
        raise ValidationError({"item": _("该事项已有投入台账，不能删除。")})
    item.delete()


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's text and items as plain data (what a revision keeps)."""
    return {
        "title": plan.title,
        "basis": plan.basis,
        "goals": plan.goals,
        "safeguards": plan.safeguards,
        "items": [
            {
                "id": item.pk,
                "area": item.area,
                "title": item.title,
                "target": item.target,
                "budget": str(item.budget),
                "due_on": item.due_on.isoformat(),
                "responsible": item.responsible,
            }
            for item in plan.items.order_by("area", "due_on", "id")
        ],
    }


def _plan_url(plan: Plan) -> str:
    return reverse("cobuilding:plan-detail", args=[plan.pk])


def _lock(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update()
        .select_related("pairing__campaign", "pairing__unit", "pairing__community")
        .get(pk=plan.pk)
    )


@transaction.atomic
def plan_submit(*, plan: Plan, actor: Any, at: datetime.datetime | None = None) -> PlanRevision:
    """The unit submits its draft (or returned) plan to the community; the submission is kept as
    a numbered revision. A plan with no items cannot be submitted."""
    plan = _lock(plan)
    _require(actor, policy.CHANGE, plan)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError({"status": _("只有草稿或退回修改的方案可以提交。")})
    if not plan.items.exists():
        raise ValidationError({"items": _("方案还没有任何工作事项，不能提交。")})
    now = at or timezone.now()
    plan.revision += 1
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = now
    plan.review_comment = ""
    plan.save()
    revision = PlanRevision.objects.create(
        plan=plan, number=plan.revision, snapshot=plan_snapshot(plan), submitted_by=_person(actor), submitted_at=now
    )
    audit.record_event("cobuilding.plan_submitted", instance=plan, details={"revision": revision.number})
    _notify(
        actor,
        _community_staff(plan.pairing),
        kind="cobuilding.plan_submitted",
        title=_("%(unit)s 提交了共建工作实施方案（第 %(n)d 稿）")
        % {"unit": plan.pairing.unit.display_name, "n": revision.number},
        body=plan.title,
        url=_plan_url(plan),
    )
    return revision


def _close_revision(plan: Plan, outcome: str, comment: str = "") -> None:
    PlanRevision.objects.filter(plan=plan, number=plan.revision).update(outcome=outcome, outcome_comment=comment)


@transaction.atomic
def plan_return(*, plan: Plan, actor: Any, comment: str, at: datetime.datetime | None = None) -> Plan:
    """The community's staff send the submitted plan back to the unit with their comments."""
    plan = _lock(plan)
    _require(actor, REVIEW, plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError({"status": _("只有待社区确认的方案可以退回。")})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回时请写明修改意见。")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("意见不能超过 2000 个字。")})
    plan.status = PlanStatus.RETURNED
    plan.review_comment = comment
    plan.save()
    _close_revision(plan, PlanStatus.RETURNED, comment)
    audit.record_event(
        "cobuilding.plan_returned", instance=plan, details={"revision": plan.revision, "comment": comment}
    )
    _notify(
        actor,
        _liaisons(plan.pairing),
        kind="cobuilding.plan_returned",
        title=_("%(community)s 退回了共建工作实施方案") % {"community": plan.pairing.community.name},
        body=comment,
        url=_plan_url(plan),
    )
    return plan


@transaction.atomic
def plan_agree(*, plan: Plan, actor: Any, comment: str = "", at: datetime.datetime | None = None) -> Plan:
    """The community's staff agree to the submitted plan; it goes to the city office."""
    plan = _lock(plan)
    _require(actor, REVIEW, plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError({"status": _("只有待社区确认的方案可以同意。")})
    plan.status = PlanStatus.AGREED
    plan.agreed_at = at or timezone.now()
    plan.review_comment = (comment or "").strip()[:2000]
    plan.save()
    _close_revision(plan, PlanStatus.AGREED, plan.review_comment)
    audit.record_event("cobuilding.plan_agreed", instance=plan, details={"revision": plan.revision})
    _notify(
        actor,
        [*_liaisons(plan.pairing), *_city_admins()],
        kind="cobuilding.plan_agreed",
        title=_("%(community)s 同意了 %(unit)s 的共建工作实施方案")
        % {"community": plan.pairing.community.name, "unit": plan.pairing.unit.display_name},
        body=plan.title,
        url=_plan_url(plan),
    )
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, actor: Any, at: datetime.datetime | None = None) -> Plan:
    """The city office approves a plan its community agreed to (a plan needs items to be approved)."""
    plan = _lock(plan)
    _require(actor, APPROVE, plan)
    if plan.status != PlanStatus.AGREED:
        raise ValidationError({"status": _("只有社区已同意的方案可以批准。")})
    if not plan.items.exists():
        raise ValidationError({"items": _("方案没有任何工作事项，不能批准。")})
    plan.status = PlanStatus.APPROVED
    plan.approved_at = at or timezone.now()
    plan.save()
    _close_revision(plan, PlanStatus.APPROVED)
    audit.record_event("cobuilding.plan_approved", instance=plan, details={"revision": plan.revision})
    _notify(
        actor,
        _liaisons(plan.pairing),
        kind="cobuilding.plan_approved",
        title=_("市文明办批准了共建工作实施方案"),
        body=plan.title,
        url=_plan_url(plan),
    )
    return plan


# --- Projects ----------------------------------------------------------------------------------


def _check_project(project: Project) -> None:
    _check_money("budget", project.budget)
    _check_money("spent", project.spent)
    campaign = project.pairing.campaign
    _in_campaign("started_on", project.started_on, campaign)
    _in_campaign("completed_on", project.completed_on, campaign)
    if project.started_on and project.completed_on and project.completed_on < project.started_on:
        raise ValidationError({"completed_on": _("完工日期不能早于开工日期。")})
    if project.plan_item_id and project.plan_item.plan.pairing_id != project.pairing_id:  # type: ignore[union-attr]
        raise ValidationError({"plan_item": _("只能选择本联点关系方案中的事项。")})
    project.full_clean(exclude=["pairing"])


def _set_cases(project: Project, cases: Sequence[Any] | None) -> None:
    if cases is None:
        return
    cases = list(cases)
    if any(c.community_id != project.pairing.community_id for c in cases):
        raise ValidationError({"cases": _("只能选择联点社区的诉求。")})
    before = set(project.cases.values_list("pk", flat=True))
    after = {c.pk for c in cases}
    if before != after:
        project.cases.set(cases)
        audit.record_event(
            "cobuilding.project_cases_set", instance=project, details={"before": sorted(before), "after": sorted(after)}
        )


@transaction.atomic
def project_create(*, pairing: Pairing, cases: Sequence[Any] | None = None, **fields: Any) -> Project:
    """A named piece of work of the pairing's unit, with the cases of its community it settles."""
    _only(fields, PROJECT_FIELDS)
    project = Project(pairing=pairing, **fields)
    _check_project(project)
    project.save()
    _set_cases(project, cases)
    return project


@transaction.atomic
def project_update(*, project: Project, cases: Sequence[Any] | None = None, **fields: Any) -> Project:
    _only(fields, PROJECT_FIELDS)
    project = Project.objects.select_related("pairing__campaign").get(pk=project.pk)
    for key, value in fields.items():
        setattr(project, key, value)
    _check_project(project)
    project.save()
    _set_cases(project, cases)
    return project


@transaction.atomic
def project_photo_add(*, project: Project, stage: str, upload: UploadedFile, caption: str = "") -> ProjectPhoto:
    """A before or after photo, stored resized and without location metadata."""
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("请选择改造前或改造后。")})
    if project.photos.count() >= MAX_PROJECT_PHOTOS:
        raise ValidationError({"photo": _("每个项目最多 %(n)d 张照片。") % {"n": MAX_PROJECT_PHOTOS}})
    try:
        content = clean_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"photo": "；".join(exc.messages)}) from exc
    return ProjectPhoto.objects.create(project=project, stage=stage, image=content, caption=caption[:100])


@transaction.atomic
def project_photo_delete(*, photo: ProjectPhoto) -> None:
    photo.image.delete(save=False)
    photo.delete()


# --- Contributions -----------------------------------------------------------------------------


def _check_contribution(entry: Contribution) -> None:
    pairing = entry.pairing
    _check_money("amount", entry.amount)
    _check_money("quantity", entry.quantity, what=_("数量"))
    if entry.kind not in ContributionKind.values:
        raise ValidationError({"kind": _("请选择资金、人力或物资。")})
    _in_campaign("made_on", entry.made_on, pairing.campaign)
    _not_future("made_on", entry.made_on)
    if entry.kind == ContributionKind.MONEY and not entry.amount:
        raise ValidationError({"amount": _("资金投入请填写金额（元）。")})
    if entry.kind == ContributionKind.VOLUNTEERS and not entry.person_times:
        raise ValidationError({"person_times": _("人力投入请填写人次。")})
    if entry.kind == ContributionKind.MATERIALS:
        if not entry.material.strip():
            raise ValidationError({"material": _("物资投入请填写物资名称。")})
        if not entry.quantity:
            raise ValidationError({"quantity": _("物资投入请填写数量。")})
    if entry.plan_item_id is None and entry.project_id is None and entry.case_id is None:
        raise ValidationError({"plan_item": _("请注明这笔投入用于哪个方案事项、共建项目或诉求。")})
    if entry.case_id and entry.case.community_id != pairing.community_id:  # type: ignore[union-attr]
        raise ValidationError({"case": _("只能选择联点社区的诉求。")})
    if entry.plan_item_id and entry.plan_item.plan.pairing_id != pairing.pk:  # type: ignore[union-attr]
        raise ValidationError({"plan_item": _("只能选择本联点关系方案中的事项。")})
    if entry.project_id and entry.project.pairing_id != pairing.pk:  # type: ignore[union-attr]
        raise ValidationError({"project": _("只能选择本联点关系的共建项目。")})
    entry.full_clean(exclude=["pairing", "created_by"])


@transaction.atomic
def contribution_create(*, pairing: Pairing, actor: Any, **fields: Any) -> Contribution:
    """Record money (yuan, at most two decimals, not negative), volunteer person-times or
    materials put into the community, dated inside the campaign and tied to a plan item or a
    project."""
    _only(fields, CONTRIBUTION_FIELDS)
    entry = Contribution(pairing=pairing, created_by=_person(actor), **fields)
    _check_contribution(entry)
    entry.save()
    return entry


@transaction.atomic
def contribution_update(*, entry: Contribution, **fields: Any) -> Contribution:
    _only(fields, CONTRIBUTION_FIELDS)
    entry = Contribution.objects.select_related("pairing__campaign").get(pk=entry.pk)
    for key, value in fields.items():
        setattr(entry, key, value)
    _check_contribution(entry)
    entry.save()
    return entry


@transaction.atomic
def contribution_delete(*, entry: Contribution) -> None:
    entry.delete()


# --- Commendations -----------------------------------------------------------------------------


@transaction.atomic
def commendation_create(
    *, pairing: Pairing, actor: Any, photo: UploadedFile | None = None, **fields: Any
) -> Commendation:
    """The community records a pennant or letter of thanks it gave the unit."""
    _only(fields, COMMENDATION_FIELDS)
    item = Commendation(pairing=pairing, recorded_by=_person(actor), **fields)
    _in_campaign("given_on", item.given_on, pairing.campaign)
    _not_future("given_on", item.given_on)
    item.full_clean(exclude=["pairing", "recorded_by", "photo"])
    if photo is not None:
        try:
            item.photo = clean_photo(photo)  # type: ignore[assignment]
        except ValidationError as exc:
            raise ValidationError({"photo": "；".join(exc.messages)}) from exc
    item.save()
    return item


@transaction.atomic
def commendation_delete(*, item: Commendation) -> None:
    if item.photo:
        item.photo.delete(save=False)
    item.delete()


# --- Score weights -----------------------------------------------------------------------------


@transaction.atomic
def score_weights_set(*, campaign: Campaign, weights: dict[str, Decimal], actor: Any) -> list[ScoreWeight]:
    """The city office sets the campaign's weight of each named scorecard part (0–1000, two
    decimals at most). Each changed weight is in the audit trail, row by row and as one
    ``cobuilding.weights_set`` event listing old and new values; a bad value changes nothing."""
    if actor is not SYSTEM and not policy.is_city_admin(actor):
        raise PermissionDenied
    known = {p.key: p for p in scorecard.parts()}
    for key, value in weights.items():
        if key not in known:
            raise ValidationError({key: _("没有这个评分项。")})
        _check_money(key, value, what=_("分值"))
        if value > 1000:
            raise ValidationError({key: _("分值不能超过 1000。")})
    existing = {w.part: w for w in ScoreWeight.objects.select_for_update().filter(campaign=campaign)}
    saved = []
    changed: dict[str, list[str]] = {}
    for key, value in weights.items():
        row = existing.get(key) or ScoreWeight(campaign=campaign, part=key)
        before = row.weight if row.pk is not None else Decimal(known[key].default_weight)
        if row.pk is None or row.weight != value:
            row.weight = value
            row.save()
        if before != value:
            changed[key] = [f"{before:.2f}", f"{value:.2f}"]
        saved.append(row)
    if changed:
        audit.record_event("cobuilding.weights_set", instance=campaign, details={"campaign": campaign.year, **changed})
    return saved
