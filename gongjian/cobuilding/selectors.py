"""Reads for plans, revisions, the ledger and its totals, projects, commendations, the
scorecard and ranking, and a community's view of its unit's work."""

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gongjian.cobuilding.models import (
    Commendation,
    Contribution,
    ContributionKind,
    ItemStatus,
    Plan,
    PlanItem,
    PlanRevision,
    Project,
    ScoreWeight,
    WorkArea,
)
from gongjian.cobuilding.policies import APPROVE, REVIEW
from gongjian.core import policy, scorecard
from gongjian.pairings.models import Campaign, Pairing
from gongjian.pairings.policies import REPORT, VIEW_VISITS

CENT = Decimal("0.01")


def _cents(value: Any) -> Decimal:
    """A sum of yuan, exact to the fen (SQLite's sums carry spurious digits)."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Plans -------------------------------------------------------------------------------------


def plan_list(*, user: Any, campaign: Campaign | None = None, status: str = "") -> QuerySet[Plan]:
    """Plans the user may see, with their item counts (done, and done on time)."""
    qs = (
        policy.restrict(Plan.objects.all(), user, policy.VIEW)
        .select_related("pairing__campaign", "pairing__unit", "pairing__community")
        .annotate(
            item_count=Count("items"),
            done_count=Count("items", filter=Q(items__status=ItemStatus.DONE)),
            budget_total=Coalesce(Sum("items__budget"), Decimal(0)),
        )
        .order_by("pairing__unit_id")
    )
    if campaign is not None:
        qs = qs.filter(pairing__campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs


def plan_get(*, user: Any, pk: int, action: str = policy.VIEW) -> Plan:
    qs = Plan.objects.select_related("pairing__campaign", "pairing__unit", "pairing__community")
    return policy.get_object(qs, user, pk, action)


@dataclass
class PlanPermissions:
    edit: bool
    review: bool
    approve: bool


def plan_permissions(*, user: Any, plan: Plan) -> PlanPermissions:
    return PlanPermissions(
        edit=policy.can(user, policy.CHANGE, plan),
        review=policy.can(user, REVIEW, plan),
        approve=policy.can(user, APPROVE, plan),
    )


def plan_items_by_area(plan: Plan) -> list[tuple[str, str, list[PlanItem]]]:
    """The plan's items under each of the five work areas, in the areas' order (empty areas kept)."""
    items = list(plan.items.all())
    return [(area.value, str(area.label), [i for i in items if i.area == area.value]) for area in WorkArea]


def reportable_pairings(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Pairing]:
    """Pairings whose plan, ledger and projects the user writes (their unit's)."""
    qs = policy.restrict(Pairing.objects.all(), user, REPORT).filter(unit_id__in=policy.scope_for(user).unit_ids)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related("campaign", "unit", "community").order_by("-campaign__year", "unit_id")


def revision_list(*, plan: Plan) -> QuerySet[PlanRevision]:
    return plan.revisions.select_related("submitted_by").order_by("number")


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ItemDiff:
    state: str  # added, removed, changed, same
    area: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Comparison:
    a: PlanRevision
    b: PlanRevision
    text_changes: list[FieldChange]
    items: list[ItemDiff]

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0, "same": 0}
        for d in self.items:
            out[d.state] += 1
        return out


def _item_labels() -> dict[str, str]:
    return {
        "area": _("工作任务"),
        "title": _("工作内容"),
        "target": _("工作目标"),
        "budget": _("预算（元）"),
        "due_on": _("完成时限"),
        "responsible": _("责任人"),
    }


def _show(key: str, value: Any) -> str:
    if key == "area":
        return str(WorkArea(value).label) if value in WorkArea.values else str(value)
    return "" if value is None else str(value)


def revision_compare(*, a: PlanRevision, b: PlanRevision) -> Comparison:
    """Revision ``a`` against ``b``, item by item: items are matched by their id, so an item
    whose wording changed shows as changed, not as one removed and one added."""
    text_labels = {"title": _("方案名称"), "basis": _("工作依据"), "goals": _("工作目标"), "safeguards": _("保障措施")}
    text_changes = [
        FieldChange(label, str(a.snapshot.get(key, "")), str(b.snapshot.get(key, "")))
        for key, label in text_labels.items()
        if a.snapshot.get(key, "") != b.snapshot.get(key, "")
    ]
    old = {i["id"]: i for i in a.snapshot.get("items", [])}
    new = {i["id"]: i for i in b.snapshot.get("items", [])}
    labels = _item_labels()
    diffs: list[ItemDiff] = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before and after:
            changes = [
                FieldChange(label, _show(f, before.get(f)), _show(f, after.get(f)))
                for f, label in labels.items()
                if before.get(f) != after.get(f)
            ]
            diffs.append(
                ItemDiff("changed" if changes else "same", _show("area", after["area"]), after["title"], changes)
            )
        elif before:
            diffs.append(ItemDiff("removed", _show("area", before["area"]), before["title"]))
        elif after:
            diffs.append(
                ItemDiff(
                    "added",
                    _show("area", after["area"]),
                    after["title"],
                    [FieldChange(label, "", _show(f, after.get(f))) for f, label in labels.items() if f != "title"],
                )
            )
    order = {a.value: n for n, a in enumerate(WorkArea)}
    labels_to_area = {str(a.label): a.value for a in WorkArea}
    diffs.sort(key=lambda d: order.get(labels_to_area.get(d.area, ""), 99))
    return Comparison(a=a, b=b, text_changes=text_changes, items=diffs)


# --- Ledger ------------------------------------------------------------------------------------


def contribution_list(
    *,
    user: Any,
    campaign: Campaign | None = None,
    unit_id: int | None = None,
    community_id: int | None = None,
    kind: str = "",
) -> QuerySet[Contribution]:
    qs = policy.restrict(Contribution.objects.all(), user, policy.VIEW).select_related(
        "pairing__campaign", "pairing__unit", "pairing__community", "plan_item", "project", "case"
    )
    if campaign is not None:
        qs = qs.filter(pairing__campaign=campaign)
    if unit_id:
        qs = qs.filter(pairing__unit_id=unit_id)
    if community_id:
        qs = qs.filter(pairing__community_id=community_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-made_on", "-id")


TOTAL_GROUPS = {
    "unit": ("pairing__unit_id", "pairing__unit__short_name", "pairing__unit__name"),
    "community": ("pairing__community_id", "pairing__community__name", "pairing__community__name"),
    "district": (
        "pairing__community__parent__parent_id",
        "pairing__community__parent__parent__name",
        "pairing__community__parent__parent__name",
    ),
    "campaign": ("pairing__campaign_id", "pairing__campaign__year", "pairing__campaign__name"),
}


@dataclass(frozen=True)
class Total:
    key: Any
    name: str
    money: Decimal
    person_times: int
    material_entries: int
    entries: int


def contribution_totals(
    *, user: Any, by: str, campaign: Campaign | None = None, unit_id: int | None = None, community_id: int | None = None
) -> list[Total]:
    """Money (exact yuan), volunteer person-times and entries of the ledger the user may see,
    grouped by unit, community, district or campaign; largest money first. One query."""
    key, short, long = TOTAL_GROUPS[by]
    qs = contribution_list(user=user, campaign=campaign, unit_id=unit_id, community_id=community_id).order_by()
    rows = (
        qs.values(key, short, long)
        .annotate(
            money=Coalesce(Sum("amount"), Decimal(0)),
            people=Coalesce(Sum("person_times"), 0),
            materials=Count("id", filter=Q(kind=ContributionKind.MATERIALS)),
            n=Count("id"),
        )
        .order_by("-money", key)
    )
    out = []
    for r in rows:
        name = r[short] or r[long]
        if by == "campaign":
            name = f"{r[short]} {r[long]}"
        out.append(Total(r[key], str(name or "—"), _cents(r["money"]), r["people"], r["materials"], r["n"]))
    return out


def contribution_sum(qs: QuerySet[Contribution]) -> dict[str, Any]:
    out = qs.order_by().aggregate(
        money=Coalesce(Sum("amount"), Decimal(0)),
        people=Coalesce(Sum("person_times"), 0),
        n=Count("id"),
    )
    out["money"] = _cents(out["money"])
    return out


# --- Projects, commendations -------------------------------------------------------------------


def project_list(
    *, user: Any, campaign: Campaign | None = None, unit_id: int | None = None, community_id: int | None = None
) -> QuerySet[Project]:
    qs = (
        policy.restrict(Project.objects.all(), user, policy.VIEW)
        .select_related("pairing__campaign", "pairing__unit", "pairing__community")
        .annotate(photo_count=Count("photos"))
    )
    if campaign is not None:
        qs = qs.filter(pairing__campaign=campaign)
    if unit_id:
        qs = qs.filter(pairing__unit_id=unit_id)
    if community_id:
        qs = qs.filter(pairing__community_id=community_id)
    return qs.order_by("-id")


def commendation_list(
    *, user: Any, campaign: Campaign | None = None, unit_id: int | None = None, community_id: int | None = None
) -> QuerySet[Commendation]:
    qs = policy.restrict(Commendation.objects.all(), user, policy.VIEW).select_related(
        "pairing__campaign", "pairing__unit", "pairing__community"
    )
    if campaign is not None:
        qs = qs.filter(pairing__campaign=campaign)
    if unit_id:
        qs = qs.filter(pairing__unit_id=unit_id)
    if community_id:
        qs = qs.filter(pairing__community_id=community_id)
    return qs.order_by("-given_on", "-id")


def commendable_pairings(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Pairing]:
    """Pairings whose community the user works for (they may record its thanks)."""
    scope = policy.scope_for(user)
    qs = Pairing.objects.select_related("campaign", "unit", "community")
    if not scope.is_city_admin:
        qs = qs.filter(community_id__in=scope.community_ids)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-campaign__year", "unit_id")


# --- Scorecard and ranking ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeightedPart:
    key: str
    title: str
    formula: str
    weight: Decimal
    default_weight: Decimal


@dataclass(frozen=True)
class PartScore:
    key: str
    title: str
    weight: Decimal
    ratio: float
    points: Decimal
    detail: str


@dataclass
class RankRow:
    rank: int
    unit_id: int
    unit_name: str
    unit_short_name: str
    unit_kind: str
    unit_kind_label: str
    community_id: int
    community_name: str
    district_name: str
    total: Decimal
    parts: list[PartScore]


@dataclass
class Ranking:
    campaign: Campaign
    parts: list[WeightedPart]
    rows: list[RankRow]

    @property
    def full_marks(self) -> Decimal:
        return sum((p.weight for p in self.parts), Decimal(0))


def score_weights(*, campaign: Campaign) -> list[WeightedPart]:
    """Every registered part with the weight the city admin set for the campaign (else its default)."""
    set_weights = dict(ScoreWeight.objects.filter(campaign=campaign).values_list("part", "weight"))
    return [
        WeightedPart(
            key=p.key,
            title=str(p.title),
            formula=str(p.formula),
            weight=set_weights.get(p.key, p.default_weight),
            default_weight=p.default_weight,
        )
        for p in scorecard.parts()
    ]


@dataclass(frozen=True)
class WeightChange:
    at: Any
    actor: str
    changes: list[tuple[str, str, str]]  # part title, old, new


def weight_changes(*, user: Any, campaign: Campaign, limit: int = 10) -> list[WeightChange]:
    """The latest weight changes of the campaign from the audit trail (for those who may read it)."""
    from django.contrib.contenttypes.models import ContentType

    from gongjian.core.selectors import audit_search

    titles = {p.key: str(p.title) for p in scorecard.parts()}
    entries = audit_search(
        user=user,
        content_type_id=ContentType.objects.get_for_model(Campaign).pk,
        object_id=str(campaign.pk),
        action="event",
    ).filter(event="cobuilding.weights_set")
    return [
        WeightChange(
            at=e.timestamp,
            actor=e.actor_repr or "—",
            changes=[
                (titles.get(k, k), str(v[0]), str(v[1]))
                for k, v in e.changes.items()
                if isinstance(v, list) and len(v) == 2
            ],
        )
        for e in entries.order_by("-id")[:limit]
    ]


def weights_settable(*, user: Any) -> bool:
    """Whether the user may set score weights (asked of the policy, as the page and the API do)."""
    return not policy.restrict(ScoreWeight.objects.all(), user, policy.CHANGE).query.is_empty()


def ranking(
    *, campaign: Campaign, district_id: int | None = None, kind: str = "", unit_id: int | None = None
) -> Ranking:
    """Every unit paired in the campaign, scored part by part (points = weight × ratio), highest
    first. The number of queries does not depend on the number of units: one for the pairings,
    one for the weights, and each part's own few aggregate queries."""
    weighted = score_weights(campaign=campaign)
    # Parts may keep what they read on the campaign object for one scoring (see
    # cobuilding.scores._visit_counts): give them a fresh copy each time.
    scoring = copy.copy(campaign)
    scoring.__dict__.pop("_cobuilding_visit_counts", None)
    values = {p.key: p.compute(scoring) for p in scorecard.parts()}
    pairings = Pairing.objects.filter(campaign=campaign).values(
        "unit_id",
        "unit__name",
        "unit__short_name",
        "unit__kind",
        "community_id",
        "community__name",
        "community__parent__parent_id",
        "community__parent__parent__name",
    )
    if district_id:
        pairings = pairings.filter(community__parent__parent_id=district_id)
    if kind:
        pairings = pairings.filter(unit__kind=kind)
    if unit_id:
        pairings = pairings.filter(unit_id=unit_id)
    from gongjian.units.models import UnitKind

    kind_labels = {value: str(label) for value, label in UnitKind.choices}
    rows = []
    for p in pairings:
        parts = []
        total = Decimal(0)
        for w in weighted:
            value = values[w.key].get(p["unit_id"])
            ratio = value.ratio if value else 0.0
            points = (w.weight * Decimal(str(ratio))).quantize(CENT, rounding=ROUND_HALF_UP)
            total += points
            parts.append(PartScore(w.key, w.title, w.weight, ratio, points, value.detail if value else "—"))
        rows.append(
            RankRow(
                rank=0,
                unit_id=p["unit_id"],
                unit_name=p["unit__name"],
                unit_short_name=p["unit__short_name"] or p["unit__name"],
                unit_kind=p["unit__kind"],
                unit_kind_label=kind_labels.get(p["unit__kind"], ""),
                community_id=p["community_id"],
                community_name=p["community__name"],
                district_name=p["community__parent__parent__name"] or "",
                total=total,
                parts=parts,
            )
        )
    rows.sort(key=lambda r: (-r.total, r.unit_id))
    for n, row in enumerate(rows, start=1):
        # Units with the same total share a rank.
        row.rank = rows[n - 2].rank if n > 1 and rows[n - 2].total == row.total else n
    return Ranking(campaign=campaign, parts=weighted, rows=rows)


# --- A community's view ------------------------------------------------------------------------


def community_pairings(*, user: Any, community_id: int, campaign: Campaign | None = None) -> QuerySet[Pairing]:
    """The pairings of a community whose work the user may see (its staff, the unit, the city office)."""
    qs = policy.restrict(Pairing.objects.filter(community_id=community_id), user, VIEW_VISITS).select_related(
        "campaign", "unit", "community"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-campaign__year", "unit_id")


def plan_progress(plan: Plan) -> dict[str, Any]:
    agg = plan.items.aggregate(
        n=Count("id"),
        done=Count("id", filter=Q(status=ItemStatus.DONE)),
        on_time=Count("id", filter=Q(status=ItemStatus.DONE, completed_on__lte=F("due_on"))),
        budget=Coalesce(Sum("budget"), Decimal(0)),
    )
    agg["percent"] = round(100 * agg["done"] / agg["n"]) if agg["n"] else 0
    return agg


# --- Cases (the cases app's Case, read through its policy) --------------------------------------

RESOLVED = ("resolved", "verified", "closed")


def resolved_cases(*, user: Any, pairing: Pairing) -> QuerySet[Any]:
    """Cases of the pairing's community resolved during its campaign, that the user may see."""
    from gongjian.cases.models import Case

    campaign = pairing.campaign
    return (
        policy.restrict(Case.objects.all(), user, policy.VIEW)
        .filter(
            community_id=pairing.community_id,
            status__in=RESOLVED,
            resolved_at__date__gte=campaign.starts_on,
            resolved_at__date__lte=campaign.ends_on,
        )
        .select_related("category")
        .order_by("-resolved_at")
    )


def project_cases(*, user: Any, project: Project) -> QuerySet[Any]:
    """The cases a project settles, that the user may see."""
    return policy.restrict(project.cases.all(), user, policy.VIEW).select_related("category").order_by("-created_at")
