"""Sign-up, cancel and the waitlist."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gongjian.volunteers.models import Signup
from gongjian.volunteers.services import activity_record_no_shows, signup_cancel, signup_create
from gongjian.volunteers.tests.conftest import at, make_volunteer

pytestmark = pytest.mark.django_db
BEFORE = at(19, 12)


@pytest.fixture
def four(world: dict[str, Any]) -> list[Any]:
    return [make_volunteer(f"志愿者{i}", f"1380733100{i}", community=world["beiling"]) for i in range(4)]


def test_it_gives_places_then_waitlists_in_order(activity, four, chengfa_liaison):
    signups = [signup_create(activity=activity, volunteer=v, actor=None, now=BEFORE) for v in four]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_it_promotes_the_first_on_the_waitlist_when_someone_cancels(activity, four, chengfa_liaison):
    signups = [signup_create(activity=activity, volunteer=v, actor=None, now=BEFORE) for v in four]
    promoted = signup_cancel(signup=signups[1], actor=None, now=BEFORE)
    assert [p.pk for p in promoted] == [signups[2].pk]
    statuses = dict(Signup.objects.values_list("pk", "status"))
    assert statuses[signups[1].pk] == "cancelled"
    assert statuses[signups[2].pk] == "confirmed"
    assert statuses[signups[3].pk] == "waitlisted"
    # Cancelling from the waitlist promotes nobody.
    assert signup_cancel(signup=signups[3], actor=None, now=BEFORE) == []


def test_it_refuses_a_second_signup_and_one_after_the_end(activity, four):
    signup_create(activity=activity, volunteer=four[0], actor=None, now=BEFORE)
    with pytest.raises(ValidationError) as exc:
        signup_create(activity=activity, volunteer=four[0], actor=None, now=BEFORE)
    assert "已经报名" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        signup_create(activity=activity, volunteer=four[1], actor=None, now=at(20, 12))
    assert "活动已结束" in str(exc.value)


def test_it_lets_someone_sign_up_again_after_cancelling(activity, four):
    first = signup_create(activity=activity, volunteer=four[0], actor=None, now=BEFORE)
    signup_cancel(signup=first, actor=None, now=BEFORE)
    again = signup_create(activity=activity, volunteer=four[0], actor=None, now=BEFORE)
    assert again.status == "confirmed" and again.pk != first.pk
    assert Signup.objects.filter(volunteer=four[0]).count() == 2  # nothing deleted


def test_it_records_no_shows_after_the_end(activity, four, chengfa_liaison):
    for v in four[:2]:
        signup_create(activity=activity, volunteer=v, actor=None, now=BEFORE)
    with pytest.raises(ValidationError):
        activity_record_no_shows(activity=activity, actor=chengfa_liaison, now=at(20, 10))
    assert activity_record_no_shows(activity=activity, actor=chengfa_liaison, now=at(20, 12)) == 2
    assert set(Signup.objects.values_list("status", flat=True)) == {"no_show"}
