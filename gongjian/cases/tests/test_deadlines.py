"""Deadlines: a warning before, escalation after, each once; verified cases close by themselves."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.cases.jobs import cases_deadlines_task
from gongjian.cases.models import Case
from gongjian.cases.services import (
    case_accept,
    case_dispatch,
    case_resolve,
    case_verify,
    cases_deadlines_run,
)
from gongjian.core.models import Notification

pytestmark = pytest.mark.django_db


def test_it_warns_before_and_escalates_after_once(
    reported: Case, beiling_grid_worker: User, chengfa_liaison: User, city_admin: User
) -> None:
    case_accept(case=reported, actor=beiling_grid_worker)
    case_dispatch(case=reported, actor=beiling_grid_worker)
    due = reported.due_at
    assert cases_deadlines_run(at=due - datetime.timedelta(hours=10)) == {"warned": 0, "overdue": 0, "closed": 0}
    assert cases_deadlines_run(at=due - datetime.timedelta(hours=3))["warned"] == 1
    assert cases_deadlines_run(at=due - datetime.timedelta(hours=2))["warned"] == 0  # never twice
    assert Notification.objects.filter(recipient=chengfa_liaison, kind="cases.warned").count() == 1
    assert cases_deadlines_run(at=due + datetime.timedelta(minutes=1))["overdue"] == 1
    assert cases_deadlines_run(at=due + datetime.timedelta(hours=5))["overdue"] == 0
    assert Notification.objects.filter(recipient=city_admin, kind="cases.overdue").count() == 1
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.overdue_at is not None and fresh.is_overdue(due + datetime.timedelta(hours=1))
    assert list(fresh.events.filter(kind__in=["warned", "overdue"]).values_list("kind", flat=True)) == [
        "warned",
        "overdue",
    ]


def test_the_command_and_the_task_do_the_same(
    reported: Case, city_admin: User, beiling_staff: User, capsys: Any
) -> None:
    with time_machine.travel(reported.due_at + datetime.timedelta(hours=1), tick=False):
        call_command("cases_deadlines")
        assert "overdue 1" in capsys.readouterr().out
        call_command("cases_deadlines")
        assert "overdue 0" in capsys.readouterr().out
        result = cases_deadlines_task.enqueue()  # the immediate backend in tests
        assert result.return_value == {"warned": 0, "overdue": 0, "closed": 0}
    assert Notification.objects.filter(recipient=city_admin, kind="cases.overdue").count() == 1
    assert Notification.objects.filter(recipient=beiling_staff, kind="cases.overdue").count() == 1


def test_verified_cases_close_after_a_while(
    reported: Case, beiling_grid_worker: User, chengfa_liaison: User, settings: Any
) -> None:
    case_accept(case=reported, actor=beiling_grid_worker)
    case_dispatch(case=reported, actor=beiling_grid_worker)
    case_resolve(case=reported, actor=chengfa_liaison, note="已疏通")
    case_verify(case=reported, actor=beiling_grid_worker)
    later = timezone.now() + datetime.timedelta(hours=settings.CASES_AUTO_CLOSE_HOURS + 1)
    assert cases_deadlines_run(at=later)["closed"] == 1
    assert Case.objects.get(pk=reported.pk).status == Case.Status.CLOSED
    assert cases_deadlines_run(at=later)["closed"] == 0


def test_anonymous_reporters_with_an_email_hear_back(
    located: dict[str, Any], categories: dict[str, Any], beiling_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    from gongjian.cases.services import case_reject, case_report

    case = case_report(
        category="sewer", description="x", place=located["beiling"], reporter_email="a@example.org", source="public"
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_reject(case=case, actor=beiling_staff, reason="不属于公共区域")
    assert [m.to for m in mail.outbox if "不予受理" in m.subject] == [["a@example.org"]]


def test_the_warning_and_the_escalation_are_emailed_once(
    reported: Case,
    beiling_grid_worker: User,
    chengfa_liaison: User,
    city_admin: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=chengfa_liaison.pk).update(email="chengfa@example.cn")
    User.objects.filter(pk=city_admin.pk).update(email="wmb@example.cn")
    case_accept(case=reported, actor=beiling_grid_worker)
    case_dispatch(case=reported, actor=beiling_grid_worker)
    mail.outbox.clear()
    due = reported.due_at
    for moment in (due - datetime.timedelta(hours=3), due - datetime.timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            cases_deadlines_run(at=moment)
    warned = [m for m in mail.outbox if "即将到期" in m.subject]
    assert [m.to for m in warned] == [["chengfa@example.cn"]] and reported.number in warned[0].subject
    for moment in (due + datetime.timedelta(minutes=5), due + datetime.timedelta(hours=6)):
        with django_capture_on_commit_callbacks(execute=True):
            cases_deadlines_run(at=moment)
    escalated = sorted(m.to[0] for m in mail.outbox if "已超期" in m.subject)
    assert escalated == ["chengfa@example.cn", "wmb@example.cn"]  # the city admin and the unit, once each


def test_a_reopened_case_gets_a_fresh_deadline_and_is_escalated_afresh(
    reported: Case, beiling_grid_worker: User, chengfa_liaison: User, city_admin: User
) -> None:
    from gongjian.cases.services import case_rate, case_send_back

    case_accept(case=reported, actor=beiling_grid_worker)
    case_dispatch(case=reported, actor=beiling_grid_worker)
    first_due = reported.due_at
    assert cases_deadlines_run(at=first_due + datetime.timedelta(minutes=1))["overdue"] == 1
    hours = reported.category.deadline_hours(reported.priority)
    late = first_due + datetime.timedelta(days=2)
    with time_machine.travel(late, tick=False):
        case_resolve(case=reported, actor=chengfa_liaison, note="已疏通")
        case_send_back(case=reported, actor=beiling_grid_worker, reason="还在漏")
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.due_at == late + datetime.timedelta(hours=hours)
    assert fresh.overdue_at is None and fresh.warned_at is None and not fresh.is_overdue(late)
    # Not escalated at once by the next run, but again once the new deadline passes.
    assert cases_deadlines_run(at=late + datetime.timedelta(minutes=10))["overdue"] == 0
    assert cases_deadlines_run(at=fresh.due_at + datetime.timedelta(minutes=1))["overdue"] == 1
    assert Notification.objects.filter(recipient=city_admin, kind="cases.overdue").count() == 2
    # A low rating reopens the case with a fresh deadline too.
    later = fresh.due_at + datetime.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        case_resolve(case=fresh, actor=chengfa_liaison, note="换了管段")
        case_verify(case=fresh, actor=beiling_grid_worker)
        case_rate(case=fresh, rating=1, comment="没修好", reopen=True)
    again = Case.objects.get(pk=reported.pk)
    assert again.status == Case.Status.DISPATCHED
    assert again.due_at == later + datetime.timedelta(hours=hours) and again.overdue_at is None
