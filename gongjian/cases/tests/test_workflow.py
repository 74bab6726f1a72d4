"""Every step of the workflow, who may take it, and what a refused step leaves behind (nothing)."""

import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gongjian.accounts.models import User
from gongjian.cases.models import Case, CaseEvent, CasePhoto
from gongjian.cases.services import (
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
)
from gongjian.conftest import make_photo
from gongjian.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.status, fresh.unit_id, fresh.updated_at, fresh.events.count(), fresh.rating)


def _kinds(case: Case) -> list[str]:
    return list(case.events.order_by("created_at", "id").values_list("kind", flat=True))


@pytest.fixture
def dispatched(reported: Case, beiling_grid_worker: User, chengfa_liaison: User) -> Case:
    case_accept(case=reported, actor=beiling_grid_worker)
    return case_dispatch(case=reported, actor=beiling_grid_worker)


def test_it_walks_the_whole_loop(
    reported: Case, beiling_grid_worker: User, beiling_staff: User, chengfa_liaison: User, world: dict[str, Any]
) -> None:
    case_accept(case=reported, actor=beiling_grid_worker, priority="high")
    assert reported.status == Case.Status.ACCEPTED
    assert (reported.due_at - reported.created_at).total_seconds() == 24 * 3600
    case_dispatch(case=reported, actor=beiling_grid_worker)
    assert reported.unit == world["chengfa"]  # the category goes to the community's paired unit
    assert Notification.objects.filter(recipient=chengfa_liaison, kind="cases.dispatched").exists()
    case_start(case=reported, actor=chengfa_liaison)
    case_resolve(case=reported, actor=chengfa_liaison, note="疏通管道，清理淤泥。", photos=[make_photo("after.jpg")])
    assert reported.photos.filter(stage=CasePhoto.Stage.AFTER).count() == 1
    assert Notification.objects.filter(recipient=beiling_staff, kind="cases.resolved").exists()
    case_verify(case=reported, actor=beiling_grid_worker)
    case_rate(case=reported, rating=5, comment="很及时")
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.status == Case.Status.CLOSED and fresh.rating == 5 and fresh.closed_at is not None
    assert _kinds(reported) == ["reported", "accepted", "dispatched", "started", "resolved", "verified", "rated"]
    events = set(AuditEntry.objects.filter(object_id=str(reported.pk), action="event").values_list("event", flat=True))
    assert {"cases.accepted", "cases.dispatched", "cases.started", "cases.resolved", "cases.verified"} <= events
    dispatch = reported.events.get(kind="dispatched")
    assert dispatch.actor == beiling_grid_worker and dispatch.actor_label == "网格员"
    assert dispatch.unit == world["chengfa"]


def test_it_rejects_with_a_reason(reported: Case, beiling_staff: User) -> None:
    with pytest.raises(ValidationError) as exc:
        case_reject(case=reported, actor=beiling_staff, reason=" ")
    assert "reason" in exc.value.message_dict
    case_reject(case=reported, actor=beiling_staff, reason="属于物业内部维修范围")
    assert Case.objects.get(pk=reported.pk).status == Case.Status.REJECTED
    assert reported.events.get(kind="rejected").note == "属于物业内部维修范围"


@pytest.mark.parametrize(
    "step",
    [
        lambda c, p: case_dispatch(case=c, actor=p["grid"]),  # not accepted yet
        lambda c, p: case_start(case=c, actor=p["chengfa"]),
        lambda c, p: case_resolve(case=c, actor=p["chengfa"], note="done"),
        lambda c, p: case_verify(case=c, actor=p["grid"]),
        lambda c, p: case_send_back(case=c, actor=p["grid"], reason="no"),
        lambda c, p: case_close(case=c, actor=p["grid"]),
        lambda c, p: case_rate(case=c, rating=5),
        lambda c, p: case_reopen(case=c, actor=p["grid"], reason="again"),
    ],
)
def test_it_refuses_illegal_transitions_and_changes_nothing(
    reported: Case, beiling_grid_worker: User, chengfa_liaison: User, step: Any
) -> None:
    people = {"grid": beiling_grid_worker, "chengfa": chengfa_liaison}
    before = _snapshot(reported)
    audit_before = AuditEntry.objects.count()
    with pytest.raises((ValidationError, PermissionDenied)):
        step(reported, people)
    assert _snapshot(reported) == before
    assert AuditEntry.objects.count() == audit_before


def test_it_explains_an_illegal_transition(dispatched: Case, beiling_grid_worker: User) -> None:
    with pytest.raises(ValidationError) as exc:
        case_accept(case=dispatched, actor=beiling_grid_worker)
    assert "已派遣" in exc.value.message_dict["status"][0]


@pytest.mark.parametrize("who", ["chengfa_liaison", "gongdian_liaison", "resident"])
def test_only_the_community_and_city_accept_and_dispatch(request: Any, reported: Case, who: str) -> None:
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        case_accept(case=reported, actor=person)
    assert Case.objects.get(pk=reported.pk).status == Case.Status.REPORTED


def test_the_city_admin_may_take_any_step(reported: Case, city_admin: User) -> None:
    case_accept(case=reported, actor=city_admin)
    case_dispatch(case=reported, actor=city_admin)
    case_start(case=reported, actor=city_admin)
    assert reported.events.get(kind="started").actor_label == "市文明办"


def test_only_the_dispatched_unit_works_on_it(
    dispatched: Case, gongdian_liaison: User, beiling_grid_worker: User, chengfa_liaison: User
) -> None:
    for person in (gongdian_liaison, beiling_grid_worker):
        with pytest.raises(PermissionDenied):
            case_start(case=dispatched, actor=person)
        with pytest.raises(PermissionDenied):
            case_resolve(case=dispatched, actor=person, note="x")
    # Resolving straight from "dispatched" is allowed, with a note.
    with pytest.raises(ValidationError) as exc:
        case_resolve(case=dispatched, actor=chengfa_liaison, note="")
    assert "note" in exc.value.message_dict
    case_resolve(case=dispatched, actor=chengfa_liaison, note="已修复")
    assert dispatched.status == Case.Status.RESOLVED


def test_verification_can_send_it_back(dispatched: Case, chengfa_liaison: User, beiling_staff: User) -> None:
    case_resolve(case=dispatched, actor=chengfa_liaison, note="已疏通")
    with pytest.raises(PermissionDenied):
        case_verify(case=dispatched, actor=chengfa_liaison)  # a unit does not check its own work
    case_send_back(case=dispatched, actor=beiling_staff, reason="雨后仍有积水")
    fresh = Case.objects.get(pk=dispatched.pk)
    assert fresh.status == Case.Status.IN_PROGRESS and fresh.resolved_at is None
    assert Notification.objects.filter(recipient=chengfa_liaison, kind="cases.sent_back").exists()


def test_a_low_rating_can_reopen(dispatched: Case, chengfa_liaison: User, beiling_staff: User) -> None:
    case_resolve(case=dispatched, actor=chengfa_liaison, note="已疏通")
    case_verify(case=dispatched, actor=beiling_staff)
    with pytest.raises(ValidationError):
        case_rate(case=dispatched, rating=4, reopen=True)
    with pytest.raises(ValidationError):
        case_rate(case=dispatched, rating=6)
    case_rate(case=dispatched, rating=1, comment="根本没修好", reopen=True)
    fresh = Case.objects.get(pk=dispatched.pk)
    assert fresh.status == Case.Status.DISPATCHED and fresh.unit_id == dispatched.unit_id
    assert _kinds(fresh)[-2:] == ["rated", "reopened"]
    with pytest.raises(ValidationError):
        case_rate(case=fresh, rating=3)  # rated once


def test_a_second_rating_is_refused(dispatched: Case, chengfa_liaison: User, beiling_staff: User) -> None:
    case_resolve(case=dispatched, actor=chengfa_liaison, note="已疏通")
    case_verify(case=dispatched, actor=beiling_staff)
    stale = Case.objects.get(pk=dispatched.pk)
    case_rate(case=dispatched, rating=5)
    with pytest.raises(ValidationError):
        case_rate(case=stale, rating=1)  # a stale copy cannot rate again either
    assert Case.objects.get(pk=dispatched.pk).rating == 5


def test_staff_close_a_verified_case(dispatched: Case, chengfa_liaison: User, beiling_staff: User) -> None:
    case_resolve(case=dispatched, actor=chengfa_liaison, note="已疏通")
    case_verify(case=dispatched, actor=beiling_staff)
    case_close(case=dispatched, actor=beiling_staff)
    assert Case.objects.get(pk=dispatched.pk).status == Case.Status.CLOSED
    case_reopen(case=dispatched, actor=beiling_staff, reason="复发")
    assert Case.objects.get(pk=dispatched.pk).status == Case.Status.DISPATCHED


def test_redispatch_needs_a_reason_and_moves_the_scope(
    dispatched: Case, beiling_staff: User, world: dict[str, Any], chengfa_liaison: User, gongdian_liaison: User
) -> None:
    with pytest.raises(ValidationError):
        case_redispatch(case=dispatched, actor=beiling_staff, unit=world["gongdian"], reason="")
    case_redispatch(case=dispatched, actor=beiling_staff, unit=world["gongdian"], reason="属于供电线路问题")
    assert Case.objects.get(pk=dispatched.pk).unit == world["gongdian"]
    with pytest.raises(PermissionDenied):
        case_start(case=dispatched, actor=chengfa_liaison)
    case_start(case=dispatched, actor=gongdian_liaison)
    assert Notification.objects.filter(recipient=chengfa_liaison, kind="cases.redispatched").exists()


def test_merge_and_recategorise(
    reported: Case, located: dict[str, Any], categories: dict[str, Any], beiling_staff: User
) -> None:
    twin = case_report(category="sewer", description="同一处下水道", place=located["xinyuan"], source="public")
    case_me_too(case=twin, client_ip="10.0.0.9")
    case_merge(case=twin, into=reported, actor=beiling_staff, reason="同一问题")
    assert Case.objects.get(pk=twin.pk).status == Case.Status.MERGED
    assert Case.objects.get(pk=reported.pk).me_too_count == 2  # the twin and its supporter
    with pytest.raises(ValidationError) as exc:
        case_merge(case=reported, into=twin, actor=beiling_staff, reason="同一问题")
    assert "into" in exc.value.message_dict  # the twin is merged itself: not a case to merge into
    case_recategorise(case=reported, actor=beiling_staff, category=categories["parking"], reason="实为占道停车")
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.category == categories["parking"]
    assert (fresh.due_at - fresh.created_at).total_seconds() == 48 * 3600
    assert fresh.status == Case.Status.REPORTED


def test_me_too_counts_once_per_client(reported: Case, resident: User) -> None:
    assert case_me_too(case=reported, client_ip="10.0.0.1") is True
    assert case_me_too(case=reported, client_ip="10.0.0.1") is False
    assert case_me_too(case=reported, user=resident) is True
    assert Case.objects.get(pk=reported.pk).me_too_count == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_cannot_both_win(
    reported: Case, beiling_grid_worker: User, beiling_staff: User
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database is one connection, so threads cannot race")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: User, reject: bool) -> None:
        from django.db import connection as thread_connection

        try:
            case = Case.objects.select_related("category", "community", "unit").get(pk=reported.pk)
            barrier.wait()
            if reject:
                case_reject(case=case, actor=actor, reason="重复")
            else:
                case_accept(case=case, actor=actor)
            outcomes.append("won")
        except ValidationError:
            outcomes.append("lost")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=act, args=(beiling_grid_worker, False)),
        threading.Thread(target=act, args=(beiling_staff, True)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.status in (Case.Status.ACCEPTED, Case.Status.REJECTED)
    assert fresh.events.exclude(kind=CaseEvent.Kind.REPORTED).count() == 1
