"""Hours: rounding and cap by the admin's rule, organiser marking, approval, overlaps, stars."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from gongjian.volunteers import checkin
from gongjian.volunteers.models import HourRule, ServiceRecord
from gongjian.volunteers.selectors import approved_hours, hour_rule_current, star_level
from gongjian.volunteers.services import (
    attendance_mark,
    compute_hours,
    hour_rule_update,
    record_approve,
    record_decline,
    scan,
)
from gongjian.volunteers.tests.conftest import at

pytestmark = pytest.mark.django_db


def hours(minutes: int, rule: HourRule | None = None) -> Decimal:
    start = at(20, 9)
    return compute_hours(checked_in_at=start, checked_out_at=start + datetime.timedelta(minutes=minutes), rule=rule)


def test_it_rounds_down_to_the_step_and_caps():
    assert hours(0) == Decimal("0")
    assert hours(29) == Decimal("0")
    assert hours(59) == Decimal("0.50")
    assert hours(150) == Decimal("2.50")
    assert hours(12 * 60) == Decimal("8.00")  # the default cap
    assert hours(-30) == Decimal("0")  # never negative


def test_the_admin_rule_changes_the_computation(db):
    rule = hour_rule_update(
        round_to_minutes=15, cap_hours=Decimal("4"), checkout_grace_minutes=30, early_check_in_minutes=10
    )
    assert hour_rule_current().pk == rule.pk
    assert hours(50, rule) == Decimal("0.75")
    assert hours(300, rule) == Decimal("4.00")
    with pytest.raises(ValidationError) as exc:
        hour_rule_update(
            round_to_minutes=0, cap_hours=Decimal("4"), checkout_grace_minutes=30, early_check_in_minutes=10
        )
    assert "round_to_minutes" in exc.value.error_dict


def test_it_approves_and_declines_with_a_reason_and_keeps_the_record(activity, volunteer, chengfa_liaison):
    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    with pytest.raises(ValidationError):  # still open: nothing to approve yet
        record_approve(record=ServiceRecord.objects.get(), actor=chengfa_liaison)
    record = scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 10, 10)),
        actor=None,
        now=at(20, 10, 10),
    )
    assert record.hours == Decimal("1.00")
    with pytest.raises(ValidationError) as exc:
        record_decline(record=record, actor=chengfa_liaison, reason="  ")
    assert "reason" in exc.value.error_dict
    record_approve(record=record, actor=chengfa_liaison)
    assert approved_hours(volunteer=volunteer) == Decimal("1.00")
    with pytest.raises(ValidationError):
        record_decline(record=record, actor=chengfa_liaison, reason="重复")


def test_an_organiser_marks_attendance_after_the_fact_and_it_waits_for_approval(activity, volunteer, chengfa_liaison):
    record = attendance_mark(
        activity=activity,
        volunteer=volunteer,
        checked_in_at=at(20, 9),
        checked_out_at=at(20, 11),
        actor=chengfa_liaison,
        now=at(22, 9),
    )
    assert record.check_in_method == "retroactive" and record.status == "pending" and record.hours == Decimal("2.00")
    assert approved_hours(volunteer=volunteer) == 0
    declined = record_decline(record=record, actor=chengfa_liaison, reason="当天未在现场")
    assert declined.decline_reason == "当天未在现场"
    assert ServiceRecord.objects.filter(pk=record.pk, status="declined").exists()


def test_it_refuses_a_check_out_before_the_check_in(activity, volunteer, chengfa_liaison):
    with pytest.raises(ValidationError) as exc:
        attendance_mark(
            activity=activity,
            volunteer=volunteer,
            checked_in_at=at(20, 10),
            checked_out_at=at(20, 9),
            actor=chengfa_liaison,
            now=at(22, 9),
        )
    assert "checked_out_at" in exc.value.error_dict
    assert not ServiceRecord.objects.exists()


def test_it_refuses_overlapping_records_for_one_person(activity, volunteer, chengfa_liaison, world):
    from gongjian.volunteers.services import activity_create

    attendance_mark(
        activity=activity,
        volunteer=volunteer,
        checked_in_at=at(20, 9),
        checked_out_at=at(20, 11),
        actor=chengfa_liaison,
        now=at(22, 9),
    )
    other = activity_create(
        actor=chengfa_liaison,
        title="另一活动",
        kind="publicity",
        organiser_unit=world["chengfa"],
        community=world["beiling"],
        starts_at=at(20, 10),
        ends_at=at(20, 12),
        capacity=5,
    )
    with pytest.raises(ValidationError) as exc:
        attendance_mark(
            activity=other,
            volunteer=volunteer,
            checked_in_at=at(20, 10),
            checked_out_at=at(20, 12),
            actor=chengfa_liaison,
            now=at(22, 9),
        )
    assert "时间重叠" in str(exc.value)
    # Touching ends do not overlap.
    attendance_mark(
        activity=other,
        volunteer=volunteer,
        checked_in_at=at(20, 11),
        checked_out_at=at(20, 12),
        actor=chengfa_liaison,
        now=at(22, 9),
    )


def test_the_database_refuses_negative_hours(activity, volunteer):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(
            volunteer=volunteer, activity=activity, checked_in_at=at(20, 9), check_in_method="qr", hours=Decimal("-1")
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only")
def test_postgresql_refuses_overlaps_even_past_the_service(activity, volunteer):
    ServiceRecord.objects.create(
        volunteer=volunteer,
        checked_in_at=at(20, 9),
        checked_out_at=at(20, 11),
        check_in_method="organiser",
        status="pending",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(
            volunteer=volunteer,
            checked_in_at=at(20, 10),
            checked_out_at=at(20, 12),
            check_in_method="organiser",
            status="pending",
        )


@pytest.mark.parametrize(
    ("total", "stars"),
    [(0, 0), (99.99, 0), (100, 1), (299, 1), (300, 2), (600, 3), (1000, 4), (1499, 4), (1500, 5), (9999, 5)],
)
def test_star_levels_follow_the_thresholds(total, stars):
    assert star_level(Decimal(str(total))) == stars


def test_star_thresholds_are_a_setting(settings):
    settings.VOLUNTEER_STAR_HOURS = [10, 20, 30, 40, 50]
    assert star_level(Decimal("25")) == 2
