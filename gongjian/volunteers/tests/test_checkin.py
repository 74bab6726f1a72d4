"""Check-in and check-out by the QR code, and every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gongjian.volunteers import checkin
from gongjian.volunteers.models import ServiceRecord
from gongjian.volunteers.services import activity_create, scan, signup_create
from gongjian.volunteers.tests.conftest import at, make_volunteer

pytestmark = pytest.mark.django_db


def code_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(exc.value.error_dict.values()))[0].code


def refusal(activity, volunteer, now, token=None):
    with pytest.raises(ValidationError) as exc:
        scan(
            activity=activity,
            volunteer=volunteer,
            token=checkin.token_for(activity.pk, now) if token is None else token,
            actor=None,
            now=now,
        )
    return code_of(exc), " ".join(exc.value.messages)


def test_it_checks_in_and_out_with_the_current_code(activity, volunteer):
    record = scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 8, 55)),
        actor=None,
        now=at(20, 8, 55),
    )
    assert record.status == "open" and record.checked_out_at is None
    record = scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 11, 40)),
        actor=None,
        now=at(20, 11, 40),
    )
    assert record.status == "pending"
    # Counted within the activity's own time (09:00–11:30): 2.5 hours.
    assert str(record.hours) == "2.50"


def test_it_accepts_the_previous_code_and_refuses_an_older_one(activity, volunteer):
    now = at(20, 9, 30)
    step = checkin.step_seconds()
    previous = checkin.token_for(activity.pk, now - datetime.timedelta(seconds=step))
    assert checkin.token_check(activity.pk, previous, now) == checkin.VALID
    old = checkin.token_for(activity.pk, now - datetime.timedelta(seconds=3 * step))
    code, message = refusal(activity, volunteer, now, token=old)
    assert code == "expired" and "已过期" in message


def test_it_refuses_a_forged_code(activity, volunteer):
    now = at(20, 9, 30)
    step = checkin.step_of(now)
    for token in ["", "abc", f"{step}.0000", f"{step}.{'f' * 24}", checkin.token_for(activity.pk + 1, now)]:
        code, message = refusal(activity, volunteer, now, token=token)
        assert code == "forged" and "无效" in message
    # A code signed for the future is not one this server showed.
    future = checkin.token_for(activity.pk, now + datetime.timedelta(seconds=5 * checkin.step_seconds()))
    assert refusal(activity, volunteer, now, token=future)[0] == "forged"


def test_it_refuses_a_check_in_twice(activity, volunteer):
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 11)),
        actor=None,
        now=at(20, 11),
    )
    code, message = refusal(activity, volunteer, at(20, 11, 10))
    assert code == "twice" and "不能重复签到" in message
    assert ServiceRecord.objects.count() == 1


def test_it_refuses_a_check_in_after_the_end_and_before_the_start(activity, volunteer):
    code, message = refusal(activity, volunteer, at(20, 11, 30))
    assert code == "ended" and "活动已结束" in message
    code, message = refusal(activity, volunteer, at(20, 8))
    assert code == "not_started"


def test_it_refuses_a_check_out_long_after_the_end(activity, volunteer):
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    code, _message = refusal(activity, volunteer, at(20, 14))
    assert code == "too_late"


def test_it_refuses_a_walk_in_when_the_activity_is_full(activity, volunteer, world):
    others = [make_volunteer(f"报名者{i}", f"1370733000{i}") for i in range(2)]
    for v in others:
        signup_create(activity=activity, volunteer=v, actor=None, now=at(19, 9))
    code, message = refusal(activity, volunteer, at(20, 9, 5))
    assert code == "full" and "名额已满" in message
    # A waitlisted volunteer has no place either.
    signup_create(activity=activity, volunteer=volunteer, actor=None, now=at(19, 9))
    assert refusal(activity, volunteer, at(20, 9, 5))[0] == "full"


def test_a_walk_in_takes_a_free_place(activity, volunteer):
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    assert activity.signups.get().status == "confirmed"


def test_it_refuses_a_check_in_while_checked_in_elsewhere(activity, volunteer, world, chengfa_liaison):
    other = activity_create(
        actor=chengfa_liaison,
        title="同时段的另一活动",
        kind="clean_up",
        organiser_unit=world["chengfa"],
        community=world["beiling"],
        starts_at=at(20, 9),
        ends_at=at(20, 12),
        capacity=5,
    )
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    code, message = refusal(other, volunteer, at(20, 9, 30))
    assert code == "overlap" and "尚未签退" in message
