"""API: co-building plans (with items, workflow, revisions and their comparison), the
contributions ledger and its totals, projects, commendations and the ranking."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjian.cobuilding import selectors as sel
from gongjian.cobuilding import services as svc
from gongjian.cobuilding.models import (
    Commendation,
    CommendationKind,
    Contribution,
    ContributionKind,
    ItemStatus,
    Plan,
    PlanItem,
    PlanStatus,
    Project,
    ProjectStatus,
    WorkArea,
)
from gongjian.core import policy
from gongjian.core.api import UNSET, Id, Input, IsoDate, Pagination, SafeText, errors, get_for, get_ref, get_visible
from gongjian.pairings.models import Campaign, Pairing

router = Router(tags=["cobuilding"])
plans = Router(tags=["cobuilding-plans"])
items = Router(tags=["cobuilding-plans"])
ledger = Router(tags=["cobuilding-ledger"])
projects = Router(tags=["cobuilding-projects"])
commendations = Router(tags=["cobuilding-commendations"])
router.add_router("/plans", plans)
router.add_router("/plan-items", items)
router.add_router("/contributions", ledger)
router.add_router("/projects", projects)
router.add_router("/commendations", commendations)

# Money: yuan, not negative, at most two decimals; sent as a JSON number or a string ("1200.50").
Money = Annotated[Decimal, Field(strict=False, ge=0, max_digits=14, decimal_places=2)]
Text = Annotated[str, Field(max_length=4000), SafeText]

# Choices as literal values: strict inputs take the value as text, never an enum instance.
AreaIn = Literal["community_building", "social_governance", "volunteer_service", "civic_virtue", "publicity"]
ItemStatusIn = Literal["not_started", "in_progress", "done"]
KindIn = Literal["money", "volunteers", "materials"]
ProjectStatusIn = Literal["planned", "in_progress", "completed"]
CommendationKindIn = Literal["pennant", "letter", "other"]


def _text(n: int, min_length: int = 0) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=n), SafeText]


class PairingRef(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    community_id: int
    community_name: str

    @staticmethod
    def resolve_unit_name(obj: Pairing) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_community_name(obj: Pairing) -> str:
        return obj.community.name


def _pairing_for_report(request: HttpRequest, pairing_id: int) -> Pairing:
    pairing = get_ref(
        request, Pairing.objects.select_related("campaign", "unit", "community"), pairing_id, field="pairing"
    )
    if not sel.reportable_pairings(user=request.user).filter(pk=pairing.pk).exists():
        raise PermissionDenied
    return pairing


def _campaign(request: HttpRequest, campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return None
    campaign = policy.restrict(Campaign.objects.all(), request.user, policy.VIEW).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


# --- Plans -------------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    plan_id: int
    area: WorkArea
    area_label: str
    title: str
    target: str
    budget: Decimal
    due_on: datetime.date
    responsible: str
    progress: int
    status: ItemStatus
    completed_on: datetime.date | None
    on_time: bool

    @staticmethod
    def resolve_area_label(obj: PlanItem) -> str:
        return str(obj.get_area_display())


class PlanOut(Schema):
    id: int
    pairing: PairingRef
    title: str
    status: PlanStatus
    revision: int = Field(description="已提交的稿数")
    review_comment: str
    submitted_at: datetime.datetime | None
    agreed_at: datetime.datetime | None
    approved_at: datetime.datetime | None


class PlanDetailOut(PlanOut):
    basis: str
    goals: str
    safeguards: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Plan) -> list[PlanItem]:
        return list(obj.items.all())


class PlanFilter(Schema):
    campaign: Id | None = Field(None, description="共建活动编号")
    status: Literal["draft", "submitted", "returned", "agreed", "approved"] | None = Field(None, description="状态")


class PlanIn(Input):
    pairing: Id
    title: _text(150) = ""  # type: ignore[valid-type]
    basis: Text = ""
    goals: Text = ""
    safeguards: Text = ""


class PlanPatch(Input):
    title: _text(150, 1) = UNSET  # type: ignore[valid-type]
    basis: Text = UNSET
    goals: Text = UNSET
    safeguards: Text = UNSET


class ItemIn(Input):
    area: AreaIn
    title: _text(200, 1)  # type: ignore[valid-type]
    target: _text(300) = ""  # type: ignore[valid-type]
    budget: Money = Decimal(0)
    due_on: IsoDate
    responsible: _text(100) = ""  # type: ignore[valid-type]


class ItemPatch(Input):
    """Only the fields sent are changed; after submission only progress, status and completed_on."""

    area: AreaIn = UNSET
    title: _text(200, 1) = UNSET  # type: ignore[valid-type]
    target: _text(300) = UNSET  # type: ignore[valid-type]
    budget: Money = UNSET
    due_on: IsoDate = UNSET
    responsible: _text(100) = UNSET  # type: ignore[valid-type]
    progress: Annotated[int, Field(ge=0, le=100)] = UNSET
    status: ItemStatusIn = UNSET
    completed_on: IsoDate | None = UNSET


class CommentIn(Input):
    comment: _text(2000) = ""  # type: ignore[valid-type]


class RevisionOut(Schema):
    id: int
    number: int
    submitted_at: datetime.datetime
    submitted_by: str | None
    outcome: PlanStatus
    outcome_comment: str
    snapshot: dict[str, Any]

    @staticmethod
    def resolve_submitted_by(obj: Any) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by else None


class ChangeOut(Schema):
    label: str
    old: str
    new: str


class ItemDiffOut(Schema):
    state: Literal["added", "removed", "changed", "same"]
    area: str
    title: str
    changes: list[ChangeOut]


class ComparisonOut(Schema):
    a: int
    b: int
    counts: dict[str, int]
    text_changes: list[ChangeOut]
    items: list[ItemDiffOut]


class CompareQuery(Schema):
    a: Annotated[int, Field(ge=1, le=32767)] = Field(description="原稿稿次")
    b: Annotated[int, Field(ge=1, le=32767)] = Field(description="新稿稿次")


def _plan(request: HttpRequest, plan_id: int, action: str = policy.VIEW) -> Plan:
    qs = Plan.objects.select_related("pairing__campaign", "pairing__unit", "pairing__community").prefetch_related(
        "items"
    )
    return get_for(request, qs, plan_id, action)


@plans.get("", response={200: list[PlanOut]} | errors(401, 404, 422), summary="共建工作实施方案列表")
@paginate(Pagination)
def plan_list_api(request: HttpRequest, filters: Query[PlanFilter]) -> QuerySet[Plan]:
    """Plans the user may see: their unit's, their community's, or all for the city office."""
    return sel.plan_list(user=request.user, campaign=_campaign(request, filters.campaign), status=filters.status or "")


@plans.get("/{plan_id}", response={200: PlanDetailOut} | errors(401, 404, 422), summary="实施方案详情（含事项）")
def plan_get(request: HttpRequest, plan_id: Id) -> Plan:
    return _plan(request, plan_id)


@plans.post("", response={201: PlanDetailOut} | errors(400, 401, 403, 422), summary="编制实施方案（草稿）")
def plan_create_api(request: HttpRequest, payload: PlanIn) -> Status:
    """Start the plan of a pairing of the user's unit (one plan per pairing)."""
    pairing = _pairing_for_report(request, payload.pairing)
    plan = svc.plan_create(pairing=pairing, actor=request.user, **payload.model_dump(exclude={"pairing"}))
    return Status(201, _plan(request, plan.pk))


@plans.patch("/{plan_id}", response={200: PlanDetailOut} | errors(400, 401, 403, 404, 422), summary="修改实施方案")
def plan_update_api(request: HttpRequest, plan_id: Id, payload: PlanPatch) -> Plan:
    """Change a draft or returned plan's text. The unit's liaisons only."""
    plan = _plan(request, plan_id, policy.CHANGE)
    svc.plan_update(plan=plan, **payload.model_dump(exclude_unset=True))
    return _plan(request, plan_id)


@plans.post("/{plan_id}/items", response={201: ItemOut} | errors(400, 401, 403, 404, 422), summary="添加方案事项")
def item_create_api(request: HttpRequest, plan_id: Id, payload: ItemIn) -> Status:
    """Add an item under one of the five work areas; its due date must fall inside the campaign."""
    plan = _plan(request, plan_id, policy.CHANGE)
    return Status(201, svc.plan_item_add(plan=plan, **payload.model_dump()))


@items.patch("/{item_id}", response={200: ItemOut} | errors(400, 401, 403, 404, 422), summary="修改方案事项或更新进度")
def item_update_api(request: HttpRequest, item_id: Id, payload: ItemPatch) -> PlanItem:
    item = get_for(request, PlanItem.objects.all(), item_id, policy.CHANGE)
    return svc.plan_item_update(item=item, **payload.model_dump(exclude_unset=True))


@items.delete("/{item_id}", response={204: None} | errors(400, 401, 403, 404, 422), summary="删除方案事项")
def item_delete_api(request: HttpRequest, item_id: Id) -> Status:
    item = get_for(request, PlanItem.objects.select_related("plan"), item_id, policy.DELETE)
    svc.plan_item_delete(item=item)
    return Status(204, None)


_WORKFLOW = {200: PlanDetailOut} | errors(400, 401, 403, 404, 422)


@plans.post("/{plan_id}/submit", response=_WORKFLOW, summary="提交社区确认")
def plan_submit_api(request: HttpRequest, plan_id: Id) -> Plan:
    """The unit submits its plan; the submission is kept as a numbered revision."""
    svc.plan_submit(plan=_plan(request, plan_id), actor=request.user)
    return _plan(request, plan_id)


@plans.post("/{plan_id}/return", response=_WORKFLOW, summary="社区退回修改")
def plan_return_api(request: HttpRequest, plan_id: Id, payload: CommentIn) -> Plan:
    """The community's staff return the plan with their comments (required)."""
    svc.plan_return(plan=_plan(request, plan_id), actor=request.user, comment=payload.comment)
    return _plan(request, plan_id)


@plans.post("/{plan_id}/agree", response=_WORKFLOW, summary="社区同意")
def plan_agree_api(request: HttpRequest, plan_id: Id, payload: CommentIn) -> Plan:
    svc.plan_agree(plan=_plan(request, plan_id), actor=request.user, comment=payload.comment)
    return _plan(request, plan_id)


@plans.post("/{plan_id}/approve", response=_WORKFLOW, summary="市文明办批准")
def plan_approve_api(request: HttpRequest, plan_id: Id) -> Plan:
    svc.plan_approve(plan=_plan(request, plan_id), actor=request.user)
    return _plan(request, plan_id)


@plans.get("/{plan_id}/revisions", response={200: list[RevisionOut]} | errors(401, 404, 422), summary="方案修订稿")
def revision_list_api(request: HttpRequest, plan_id: Id) -> list[Any]:
    return list(sel.revision_list(plan=_plan(request, plan_id)))


@plans.get("/{plan_id}/compare", response={200: ComparisonOut} | errors(401, 404, 422), summary="对比两稿")
def plan_compare_api(request: HttpRequest, plan_id: Id, query: Query[CompareQuery]) -> ComparisonOut:
    """Two revisions compared item by item (items matched by id)."""
    plan = _plan(request, plan_id)
    revisions = {r.number: r for r in sel.revision_list(plan=plan)}
    if query.a not in revisions or query.b not in revisions:
        raise Http404
    diff = sel.revision_compare(a=revisions[query.a], b=revisions[query.b])
    return ComparisonOut(
        a=query.a,
        b=query.b,
        counts=diff.counts,
        text_changes=[ChangeOut(label=c.label, old=c.old, new=c.new) for c in diff.text_changes],
        items=[
            ItemDiffOut(
                state=d.state,  # type: ignore[arg-type]
                area=d.area,
                title=d.title,
                changes=[ChangeOut(label=c.label, old=c.old, new=c.new) for c in d.changes],
            )
            for d in diff.items
        ],
    )


# --- Ledger ------------------------------------------------------------------------------------


class ContributionOut(Schema):
    id: int
    pairing: PairingRef
    kind: ContributionKind
    made_on: datetime.date
    amount: Decimal = Field(description="金额（元）")
    person_times: int
    material: str
    quantity: Decimal
    measure: str
    description: str
    plan_item_id: int | None
    project_id: int | None
    case_id: int | None


class ContributionFilter(Schema):
    campaign: Id | None = None
    unit: Id | None = None
    community: Id | None = None
    kind: KindIn | None = None


class ContributionIn(Input):
    pairing: Id
    kind: KindIn
    made_on: IsoDate
    amount: Money = Decimal(0)
    person_times: Annotated[int, Field(ge=0, le=100_000)] = 0
    material: _text(100) = ""  # type: ignore[valid-type]
    quantity: Annotated[Decimal, Field(strict=False, ge=0, max_digits=12, decimal_places=2)] = Decimal(0)
    measure: _text(10) = ""  # type: ignore[valid-type]
    description: _text(300) = ""  # type: ignore[valid-type]
    plan_item: Id | None = None
    project: Id | None = None
    case: Id | None = Field(None, description="联点社区的诉求编号（id）")


class ContributionPatch(Input):
    made_on: IsoDate = UNSET
    amount: Money = UNSET
    person_times: Annotated[int, Field(ge=0, le=100_000)] = UNSET
    material: _text(100) = UNSET  # type: ignore[valid-type]
    quantity: Annotated[Decimal, Field(strict=False, ge=0, max_digits=12, decimal_places=2)] = UNSET
    measure: _text(10) = UNSET  # type: ignore[valid-type]
    description: _text(300) = UNSET  # type: ignore[valid-type]


class TotalOut(Schema):
    key: int | None
    name: str
    money: Decimal = Field(description="资金（元）")
    person_times: int
    material_entries: int
    entries: int


class TotalsQuery(Schema):
    by: Literal["unit", "community", "district", "campaign"] = "unit"
    campaign: Id | None = None


def _refs(
    request: HttpRequest, pairing: Pairing, plan_item: int | None, project: int | None, case: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"plan_item": None, "project": None, "case": None}
    if case is not None:
        from gongjian.cases.models import Case

        out["case"] = get_ref(request, Case.objects.all(), case, field="case")
    if plan_item is not None:
        out["plan_item"] = get_ref(request, PlanItem.objects.select_related("plan"), plan_item, field="plan_item")
    if project is not None:
        out["project"] = get_ref(request, Project.objects.all(), project, field="project")
    return out


@ledger.get("", response={200: list[ContributionOut]} | errors(401, 404, 422), summary="投入台账")
@paginate(Pagination)
def contribution_list_api(request: HttpRequest, filters: Query[ContributionFilter]) -> QuerySet[Contribution]:
    return sel.contribution_list(
        user=request.user,
        campaign=_campaign(request, filters.campaign),
        unit_id=filters.unit,
        community_id=filters.community,
        kind=filters.kind or "",
    )


@ledger.get("/totals", response={200: list[TotalOut]} | errors(401, 404, 422), summary="投入汇总")
def contribution_totals_api(request: HttpRequest, query: Query[TotalsQuery]) -> list[Any]:
    """Money (exact yuan), person-times and entries the user may see, by unit, community, district or campaign."""
    return sel.contribution_totals(user=request.user, by=query.by, campaign=_campaign(request, query.campaign))


@ledger.post("", response={201: ContributionOut} | errors(400, 401, 403, 422), summary="记录投入")
def contribution_create_api(request: HttpRequest, payload: ContributionIn) -> Status:
    """Record money, volunteer person-times or materials for a pairing of the user's unit, tied to
    a plan item or a project of that pairing."""
    pairing = _pairing_for_report(request, payload.pairing)
    fields = payload.model_dump(exclude={"pairing", "plan_item", "project", "case"})
    fields.update(_refs(request, pairing, payload.plan_item, payload.project, payload.case))
    return Status(201, svc.contribution_create(pairing=pairing, actor=request.user, **fields))


@ledger.patch("/{entry_id}", response={200: ContributionOut} | errors(400, 401, 403, 404, 422), summary="修改投入")
def contribution_update_api(request: HttpRequest, entry_id: Id, payload: ContributionPatch) -> Contribution:
    entry = get_for(request, Contribution.objects.all(), entry_id, policy.CHANGE)
    return svc.contribution_update(entry=entry, **payload.model_dump(exclude_unset=True))


@ledger.delete("/{entry_id}", response={204: None} | errors(401, 403, 404, 422), summary="删除投入")
def contribution_delete_api(request: HttpRequest, entry_id: Id) -> Status:
    svc.contribution_delete(entry=get_for(request, Contribution.objects.all(), entry_id, policy.DELETE))
    return Status(204, None)


# --- Projects ----------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    pairing: PairingRef
    name: str
    description: str
    plan_item_id: int | None
    budget: Decimal
    spent: Decimal
    status: ProjectStatus
    started_on: datetime.date | None
    completed_on: datetime.date | None
    case_ids: list[int] = Field(description="该项目解决的诉求")

    @staticmethod
    def resolve_case_ids(obj: Project) -> list[int]:
        return [c.pk for c in obj.cases.all()]


class ProjectIn(Input):
    pairing: Id
    name: _text(150, 1)  # type: ignore[valid-type]
    description: Text = ""
    plan_item: Id | None = None
    budget: Money = Decimal(0)
    spent: Money = Decimal(0)
    status: ProjectStatusIn = "planned"
    started_on: IsoDate | None = None
    completed_on: IsoDate | None = None
    cases: list[Id] = Field(
        default_factory=list, max_length=200, description="解决的诉求编号（id），须是联点社区的诉求"
    )


class ProjectPatch(Input):
    name: _text(150, 1) = UNSET  # type: ignore[valid-type]
    description: Text = UNSET
    budget: Money = UNSET
    spent: Money = UNSET
    status: ProjectStatusIn = UNSET
    started_on: IsoDate | None = UNSET
    completed_on: IsoDate | None = UNSET
    cases: list[Id] = Field(UNSET, max_length=200)


def _cases(request: HttpRequest, ids: list[int]) -> list[Any]:
    from gongjian.cases.models import Case

    return [get_ref(request, Case.objects.all(), pk, field="cases") for pk in dict.fromkeys(ids)]


@projects.get("", response={200: list[ProjectOut]} | errors(401, 404, 422), summary="共建项目列表")
@paginate(Pagination)
def project_list_api(request: HttpRequest, filters: Query[ContributionFilter]) -> QuerySet[Project]:
    return sel.project_list(
        user=request.user,
        campaign=_campaign(request, filters.campaign),
        unit_id=filters.unit,
        community_id=filters.community,
    )


@projects.get("/{project_id}", response={200: ProjectOut} | errors(401, 404, 422), summary="共建项目详情")
def project_get(request: HttpRequest, project_id: Id) -> Project:
    return get_visible(request, Project.objects.select_related("pairing__unit", "pairing__community"), project_id)


@projects.post("", response={201: ProjectOut} | errors(400, 401, 403, 422), summary="新建共建项目")
def project_create_api(request: HttpRequest, payload: ProjectIn) -> Status:
    pairing = _pairing_for_report(request, payload.pairing)
    fields = payload.model_dump(exclude={"pairing", "plan_item", "cases"})
    fields["plan_item"] = _refs(request, pairing, payload.plan_item, None)["plan_item"]
    return Status(201, svc.project_create(pairing=pairing, cases=_cases(request, payload.cases), **fields))


@projects.patch("/{project_id}", response={200: ProjectOut} | errors(400, 401, 403, 404, 422), summary="修改共建项目")
def project_update_api(request: HttpRequest, project_id: Id, payload: ProjectPatch) -> Project:
    project = get_for(request, Project.objects.all(), project_id, policy.CHANGE)
    fields = payload.model_dump(exclude_unset=True)
    if "cases" in fields:
        fields["cases"] = _cases(request, fields["cases"])
    return svc.project_update(project=project, **fields)


# --- Commendations -----------------------------------------------------------------------------


class CommendationOut(Schema):
    id: int
    pairing: PairingRef
    kind: CommendationKind
    text: str
    given_on: datetime.date
    given_by: str
    has_photo: bool

    @staticmethod
    def resolve_has_photo(obj: Commendation) -> bool:
        return bool(obj.photo)


class CommendationIn(Input):
    pairing: Id
    kind: CommendationKindIn = "pennant"
    text: _text(500, 1)  # type: ignore[valid-type]
    given_on: IsoDate
    given_by: _text(100) = ""  # type: ignore[valid-type]


@commendations.get("", response={200: list[CommendationOut]} | errors(401, 404, 422), summary="锦旗表扬列表")
@paginate(Pagination)
def commendation_list_api(request: HttpRequest, filters: Query[ContributionFilter]) -> QuerySet[Commendation]:
    return sel.commendation_list(
        user=request.user,
        campaign=_campaign(request, filters.campaign),
        unit_id=filters.unit,
        community_id=filters.community,
    )


@commendations.post("", response={201: CommendationOut} | errors(400, 401, 403, 422), summary="登记锦旗表扬")
def commendation_create_api(request: HttpRequest, payload: CommendationIn) -> Status:
    """The community's staff or grid workers record thanks their community gave its unit."""
    pairing = get_ref(
        request, Pairing.objects.select_related("campaign", "unit", "community"), payload.pairing, field="pairing"
    )
    if not sel.commendable_pairings(user=request.user).filter(pk=pairing.pk).exists():
        raise PermissionDenied
    return Status(
        201, svc.commendation_create(pairing=pairing, actor=request.user, **payload.model_dump(exclude={"pairing"}))
    )


# --- Ranking -----------------------------------------------------------------------------------


class PartOut(Schema):
    key: str
    title: str
    weight: Decimal
    ratio: float
    points: Decimal
    detail: str


class RankRowOut(Schema):
    rank: int
    unit_id: int
    unit_name: str
    unit_kind: str
    community_id: int
    community_name: str
    district_name: str
    total: Decimal
    parts: list[PartOut]


class WeightOut(Schema):
    key: str
    title: str
    formula: str
    weight: Decimal


class RankingOut(Schema):
    campaign_id: int
    full_marks: Decimal
    formula: str
    parts: list[WeightOut]
    rows: list[RankRowOut]


class RankingQuery(Schema):
    campaign: Id
    district: Id | None = None
    kind: str | None = Field(None, max_length=24)


Weight = Annotated[Decimal, Field(strict=False, ge=0, le=1000, max_digits=6, decimal_places=2)]


class WeightsIn(Input):
    """New weights by part key (see GET); parts not sent keep their weight."""

    weights: dict[Annotated[str, Field(max_length=50)], Weight] = Field(max_length=50)


def _weights_out(campaign: Campaign) -> list[WeightOut]:
    return [
        WeightOut(key=p.key, title=p.title, formula=p.formula, weight=p.weight)
        for p in sel.score_weights(campaign=campaign)
    ]


@router.get(
    "/campaigns/{campaign_id}/weights", response={200: list[WeightOut]} | errors(401, 404, 422), summary="评分权重"
)
def weights_get_api(request: HttpRequest, campaign_id: Id) -> list[WeightOut]:
    """Each scorecard part with its formula and the weight set for the campaign (or its default)."""
    campaign = _campaign(request, campaign_id)
    assert campaign is not None
    return _weights_out(campaign)


@router.put(
    "/campaigns/{campaign_id}/weights",
    response={200: list[WeightOut]} | errors(400, 401, 403, 404, 422),
    summary="设置评分权重（市文明办）",
)
def weights_set_api(request: HttpRequest, campaign_id: Id, payload: WeightsIn) -> list[WeightOut]:
    """The city office sets part weights (0–1000, two decimals); every change is audited."""
    campaign = _campaign(request, campaign_id)
    assert campaign is not None
    if not sel.weights_settable(user=request.user):
        raise PermissionDenied
    svc.score_weights_set(campaign=campaign, weights=dict(payload.weights), actor=request.user)
    return _weights_out(campaign)


@router.get("/ranking", response={200: RankingOut} | errors(401, 404, 422), summary="共建工作红黑榜")
def ranking_api(request: HttpRequest, query: Query[RankingQuery]) -> RankingOut:
    """Every unit of the campaign with its score, part by part; weights and formulas included."""
    campaign = _campaign(request, query.campaign)
    assert campaign is not None
    board = sel.ranking(campaign=campaign, district_id=query.district, kind=query.kind or "")
    return RankingOut(
        campaign_id=campaign.pk,
        full_marks=board.full_marks,
        formula="总分 = Σ（分值 × 得分率）",
        parts=[WeightOut(key=p.key, title=p.title, formula=p.formula, weight=p.weight) for p in board.parts],
        rows=[
            RankRowOut(
                rank=r.rank,
                unit_id=r.unit_id,
                unit_name=r.unit_name,
                unit_kind=r.unit_kind,
                community_id=r.community_id,
                community_name=r.community_name,
                district_name=r.district_name,
                total=r.total,
                parts=[
                    PartOut(key=p.key, title=p.title, weight=p.weight, ratio=p.ratio, points=p.points, detail=p.detail)
                    for p in r.parts
                ],
            )
            for r in board.rows
        ],
    )
