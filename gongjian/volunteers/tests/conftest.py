"""Volunteer-service fixtures on top of the shared world: 北岭社区's May 2023 activity organised
by 市城发集团, and volunteers of both units."""

import datetime
from typing import Any

import pytest
from django.utils import translation

from gongjian.accounts.models import User
from gongjian.accounts.services import user_create
from gongjian.conftest import PASSWORD
from gongjian.volunteers.models import Activity, ActivityKind, Volunteer
from gongjian.volunteers.protect import id_number_with_check
from gongjian.volunteers.services import activity_create, volunteer_create

TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    """Messages are asserted in Chinese; a request in English must not leave its language behind."""
    with translation.override("zh-hans"):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime.datetime:
    """A time in May 2023, Beijing time."""
    return datetime.datetime(2023, month, day, hour, minute, tzinfo=TZ)


def make_volunteer(
    name: str, phone: str, *, unit: Any = None, community: Any = None, party: bool = False, user: Any = None
) -> Volunteer:
    return volunteer_create(name=name, phone=phone, is_party_member=party, unit=unit, community=community, user=user)


@pytest.fixture
def volunteer_user(world: dict[str, Any]) -> User:
    return user_create(username="volunteer", password=PASSWORD, display_name="李志愿")


@pytest.fixture
def volunteer(world: dict[str, Any], volunteer_user: User) -> Volunteer:
    """李志愿, an in-service party member of 市城发集团 living in 北岭社区, with an account."""
    return volunteer_create(
        name="李志愿",
        phone="13807330001",
        id_number=id_number_with_check("43020219900101123"),
        is_party_member=True,
        unit=world["chengfa"],
        community=world["beiling"],
        user=volunteer_user,
    )


@pytest.fixture
def gongdian_member(world: dict[str, Any]) -> Volunteer:
    return make_volunteer("王供电", "13907330002", unit=world["gongdian"], community=world["xianghua"], party=True)


@pytest.fixture
def activity(world: dict[str, Any], chengfa_liaison: User) -> Activity:
    """A micro-service morning in 北岭社区 on 2023-05-20, 09:00–11:30, two places."""
    return activity_create(
        actor=chengfa_liaison,
        title="北岭社区文明实践微服务",
        kind=ActivityKind.MICRO_SERVICE,
        organiser_unit=world["chengfa"],
        community=world["beiling"],
        address="北岭社区党群服务中心",
        starts_at=at(20, 9),
        ends_at=at(20, 11, 30),
        capacity=2,
    )
