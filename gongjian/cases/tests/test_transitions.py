"""The whole transition table: every step from every status (allowed or refused, and a refused step
changes nothing), every step by every kind of person, and two people acting on the same case at
once (stale copies: the second one loses and changes nothing)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from gongjian.accounts.models import User
from gongjian.cases.models import Case, CaseEvent
from gongjian.cases.services import (
    case_accept,
    case_close,
    case_dispatch,
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
)
from gongjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db
S = Case.Status
Step = Callable[[Case, dict[str, Any]], Any]

# Each step, called as the person ``p["actor"]``, with whatever else it needs.
STEPS: dict[str, Step] = {
    "accept": lambda c, p: case_accept(case=c, actor=p["actor"]),
    "reject": lambda c, p: case_reject(case=c, actor=p["actor"], reason="不属于受理范围"),
    "dispatch": lambda c, p: case_dispatch(case=c, actor=p["actor"], unit=p["chengfa"]),
    "redispatch": lambda c, p: case_redispatch(case=c, actor=p["actor"], unit=p["gongdian"], reason="属于供电线路"),
    "start": lambda c, p: case_start(case=c, actor=p["actor"]),
    "resolve": lambda c, p: case_resolve(case=c, actor=p["actor"], note="已疏通"),
    "verify": lambda c, p: case_verify(case=c, actor=p["actor"]),
    "send_back": lambda c, p: case_send_back(case=c, actor=p["actor"], reason="雨后仍积水"),
    "close": lambda c, p: case_close(case=c, actor=p["actor"]),
    "reopen": lambda c, p: case_reopen(case=c, actor=p["actor"], reason="问题复发"),
    "merge": lambda c, p: case_merge(case=c, into=p["target"], actor=p["actor"], reason="同一问题"),
    "recategorise": lambda c, p: case_recategorise(
        case=c, actor=p["actor"], category=p["parking"], reason="实为占道停车"
    ),
    "rate": lambda c, p: case_rate(case=c, rating=4, comment="还行"),
}
UNFINISHED = {S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED}
# The statuses each step may start from; from every other status it is refused.
ALLOWED_FROM: dict[str, set[str]] = {
    "accept": {S.REPORTED},
    "reject": {S.REPORTED},
    "dispatch": {S.ACCEPTED},
    "redispatch": {S.DISPATCHED, S.IN_PROGRESS},
    "start": {S.DISPATCHED},
    "resolve": {S.DISPATCHED, S.IN_PROGRESS},
    "verify": {S.RESOLVED},
    "send_back": {S.RESOLVED},
    "close": {S.VERIFIED},
    "reopen": {S.VERIFIED, S.CLOSED},
    "merge": UNFINISHED,
    "recategorise": UNFINISHED,
    "rate": {S.VERIFIED, S.CLOSED},
}
# Where each allowed step leaves the case.
LEADS_TO = {
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "dispatch": S.DISPATCHED,
    "redispatch": S.DISPATCHED,
    "start": S.IN_PROGRESS,
    "resolve": S.RESOLVED,
    "verify": S.VERIFIED,
    "send_back": S.IN_PROGRESS,
    "close": S.CLOSED,
    "reopen": S.DISPATCHED,
    "merge": S.MERGED,
    "rate": S.CLOSED,
}
ALL_STATUSES = [S.REPORTED, S.ACCEPTED, S.REJECTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.VERIFIED, S.CLOSED]
ALL_STATUSES += [S.MERGED]


def _new(located: dict[str, Any], description: str = "新苑小区下水道堵塞") -> Case:
    return case_report(category="sewer", description=description, place=located["xinyuan"], source="public")


def _bring_to(case: Case, status: str, p: dict[str, Any]) -> Case:
    """Walk ``case`` to ``status`` through the services, as the city admin and the unit."""
    admin, unit = p["admin"], p["chengfa_liaison"]
    if status == S.REPORTED:
        return case
    if status == S.REJECTED:
        return case_reject(case=case, actor=admin, reason="重复")
    if status == S.MERGED:
        return case_merge(case=case, into=p["target"], actor=admin, reason="重复")
    case_accept(case=case, actor=admin)
    if status == S.ACCEPTED:
        return case
    case_dispatch(case=case, actor=admin, unit=p["chengfa"])
    if status == S.DISPATCHED:
        return case
    if status == S.IN_PROGRESS:
        return case_start(case=case, actor=unit)
    case_resolve(case=case, actor=unit, note="已疏通")
    if status == S.RESOLVED:
        return case
    case_verify(case=case, actor=admin)
    if status == S.VERIFIED:
        return case
    return case_close(case=case, actor=admin)


@pytest.fixture
def people(
    located: dict[str, Any],
    categories: dict[str, Any],
    city_admin: User,
    chengfa_liaison: User,
    gongdian_liaison: User,
    beiling_grid_worker: User,
    beiling_staff: User,
    resident: User,
) -> dict[str, Any]:
    return {
        "admin": city_admin,
        "chengfa_liaison": chengfa_liaison,
        "gongdian_liaison": gongdian_liaison,
        "grid": beiling_grid_worker,
        "staff": beiling_staff,
        "resident": resident,
        "chengfa": located["chengfa"],
        "gongdian": located["gongdian"],
        "parking": categories["parking"],
        "nobody": AnonymousUser(),
        "target": _new(located, "同一处下水道（先报的）"),
    }


def _snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.status,
        fresh.unit_id,
        fresh.category_id,
        fresh.rating,
        fresh.merged_into_id,
        fresh.updated_at,
        fresh.events.count(),
    )


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_from_every_status(located: dict[str, Any], people: dict[str, Any], step: str, status: str) -> None:
    """The city admin may take any step, so only the status decides here."""
    case = _bring_to(_new(located), status, people)
    assert Case.objects.get(pk=case.pk).status == status
    before, audit_before = _snapshot(case), AuditEntry.objects.count()
    stale = Case.objects.select_related("category", "community", "unit").get(pk=case.pk)
    if status in ALLOWED_FROM[step]:
        STEPS[step](stale, {**people, "actor": people["admin"]})
        fresh = Case.objects.get(pk=case.pk)
        assert fresh.status == LEADS_TO.get(step, status)
        assert fresh.events.count() > before[-1]
    else:
        with pytest.raises(ValidationError) as exc:
            STEPS[step](stale, {**people, "actor": people["admin"]})
        assert exc.value.messages  # a clear message, not a bare failure
        assert _snapshot(case) == before
        assert AuditEntry.objects.count() == audit_before


# Who may take each step (from a status it is allowed from): the community's staff and grid workers
# and the city admin handle the case; the unit it is dispatched to works on it; nobody else.
HANDLERS = {"admin", "grid", "staff"}
WORKERS = {"admin", "chengfa_liaison"}
WHO: dict[str, set[str]] = {
    "accept": HANDLERS,
    "reject": HANDLERS,
    "dispatch": HANDLERS,
    "redispatch": HANDLERS,
    "start": WORKERS,
    "resolve": WORKERS,
    "verify": HANDLERS,
    "send_back": HANDLERS,
    "close": HANDLERS,
    "reopen": HANDLERS,
    "merge": HANDLERS,
    "recategorise": HANDLERS,
}
FROM = {
    "accept": S.REPORTED,
    "reject": S.REPORTED,
    "dispatch": S.ACCEPTED,
    "redispatch": S.DISPATCHED,
    "start": S.DISPATCHED,
    "resolve": S.IN_PROGRESS,
    "verify": S.RESOLVED,
    "send_back": S.RESOLVED,
    "close": S.VERIFIED,
    "reopen": S.CLOSED,
    "merge": S.ACCEPTED,
    "recategorise": S.DISPATCHED,
}


@pytest.mark.parametrize("who", ["admin", "grid", "staff", "chengfa_liaison", "gongdian_liaison", "resident", "nobody"])
@pytest.mark.parametrize("step", list(WHO))
def test_every_step_by_every_kind_of_person(
    located: dict[str, Any], people: dict[str, Any], step: str, who: str
) -> None:
    case = _bring_to(_new(located), FROM[step], people)
    before = _snapshot(case)
    actor = people.get(who)
    if who in WHO[step]:
        STEPS[step](case, {**people, "actor": actor})
        assert Case.objects.get(pk=case.pk).status == LEADS_TO.get(step, FROM[step])
    else:
        with pytest.raises(PermissionDenied):
            STEPS[step](case, {**people, "actor": actor})
        assert _snapshot(case) == before


# Two people loaded the same case and act on it at once: whoever's UPDATE lands first wins; the
# other is told the case has moved on, and their step leaves no trace (no event, no audit entry).
RACES = [
    ("accept", "grid", "reject", "staff", S.REPORTED),
    ("accept", "grid", "accept", "staff", S.REPORTED),
    ("reject", "staff", "merge", "grid", S.REPORTED),
    ("dispatch", "grid", "dispatch", "staff", S.ACCEPTED),
    ("resolve", "chengfa_liaison", "redispatch", "staff", S.IN_PROGRESS),
    ("verify", "grid", "send_back", "staff", S.RESOLVED),
    ("send_back", "staff", "verify", "grid", S.RESOLVED),
    ("reopen", "grid", "close", "staff", S.VERIFIED),
    ("merge", "staff", "recategorise", "grid", S.ACCEPTED),
    ("rate", "nobody", "rate", "nobody", S.VERIFIED),
]


@pytest.mark.parametrize(("first", "first_who", "second", "second_who", "status"), RACES)
def test_two_people_acting_on_the_same_case_cannot_both_win(
    located: dict[str, Any],
    people: dict[str, Any],
    first: str,
    first_who: str,
    second: str,
    second_who: str,
    status: str,
) -> None:
    case = _bring_to(_new(located), status, people)
    mine, theirs = (Case.objects.select_related("category", "community", "unit").get(pk=case.pk) for _ in range(2))
    STEPS[first](mine, {**people, "actor": people.get(first_who)})
    after_first = _snapshot(case)
    audit_after_first = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        STEPS[second](theirs, {**people, "actor": people.get(second_who)})
    message = " ".join(exc.value.messages)
    assert "可能已有他人办理" in message or "已经评价过" in message
    assert _snapshot(case) == after_first
    assert AuditEntry.objects.count() == audit_after_first
    assert Case.objects.get(pk=case.pk).status == LEADS_TO[first]


def test_merge_recategorise_and_redispatch_each_need_a_reason(located: dict[str, Any], people: dict[str, Any]) -> None:
    case = _bring_to(_new(located), S.DISPATCHED, people)
    staff = people["staff"]
    before = _snapshot(case)
    for call in (
        lambda: case_merge(case=case, into=people["target"], actor=staff, reason=" "),
        lambda: case_recategorise(case=case, actor=staff, category=people["parking"], reason=""),
        lambda: case_redispatch(case=case, actor=staff, unit=people["gongdian"], reason=""),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "reason" in exc.value.message_dict
    assert _snapshot(case) == before
    case_merge(case=case, into=people["target"], actor=staff, reason="与先报的同一处")
    merged = case.events.get(kind=CaseEvent.Kind.MERGED)
    assert merged.note == f"合并到 {people['target'].number}：与先报的同一处" and merged.actor == staff
    assert people["target"].events.filter(kind=CaseEvent.Kind.DUPLICATE_JOINED).exists()
