"""The monthly rule on a small month checked by hand (May 2023, Beijing time).

市城发集团: A served on 5 May; B at 23:30 on 31 May (still May in Beijing); C only on 1 June at
00:30 and in a declined record in May -> 2 of 3. 国网株洲供电公司: E in a record still waiting for
approval (service happened) -> served; F only in a record without a community -> not served; G
registered in June -> not counted. D served but is not a party member. So 3 of 5, 60 %;
石峰区 (北岭社区) 2/3, 荷塘区 (湘华社区) 1/2; not yet served: C and F."""

import datetime
from typing import Any

import pytest

from gongjian.volunteers.models import ServiceRecord, Volunteer
from gongjian.volunteers.selectors import compliance_by, compliance_total, not_served
from gongjian.volunteers.tests.conftest import TZ, at, make_volunteer

pytestmark = pytest.mark.django_db
MAY = datetime.date(2023, 5, 1)


def served(
    volunteer: Volunteer, when: datetime.datetime, community: Any, status: str = "approved", reason: str = ""
) -> None:
    ServiceRecord.objects.create(
        volunteer=volunteer,
        community=community,
        checked_in_at=when,
        checked_out_at=when + datetime.timedelta(minutes=30),
        check_in_method="organiser",
        status=status,
        decline_reason=reason,
        hours="0.50",
    )


@pytest.fixture
def month(world: dict[str, Any]) -> dict[str, Volunteer]:
    beiling, xianghua = world["beiling"], world["xianghua"]
    people = {
        "A": make_volunteer("甲", "13800000001", unit=world["chengfa"], community=beiling, party=True),
        "B": make_volunteer("乙", "13800000002", unit=world["chengfa"], community=beiling, party=True),
        "C": make_volunteer("丙", "13800000003", unit=world["chengfa"], community=beiling, party=True),
        "D": make_volunteer("丁", "13800000004", unit=world["chengfa"], community=beiling, party=False),
        "E": make_volunteer("戊", "13800000005", unit=world["gongdian"], community=xianghua, party=True),
        "F": make_volunteer("己", "13800000006", unit=world["gongdian"], community=xianghua, party=True),
        "G": make_volunteer("庚", "13800000007", unit=world["gongdian"], community=xianghua, party=True),
    }
    Volunteer.objects.exclude(pk=people["G"].pk).update(created_at=datetime.datetime(2023, 4, 1, tzinfo=TZ))
    Volunteer.objects.filter(pk=people["G"].pk).update(created_at=datetime.datetime(2023, 6, 10, tzinfo=TZ))
    served(people["A"], at(5, 9), beiling)
    served(people["B"], datetime.datetime(2023, 5, 31, 23, 30, tzinfo=TZ), beiling)
    served(people["C"], datetime.datetime(2023, 6, 1, 0, 30, tzinfo=TZ), beiling)
    served(people["C"], at(10, 9), beiling, status="declined", reason="未到场")
    served(people["D"], at(6, 9), beiling)
    served(people["E"], at(7, 9), xianghua, status="pending")
    served(people["F"], at(8, 9), None)
    served(people["G"], datetime.datetime(2023, 6, 12, 9, tzinfo=TZ), xianghua)
    return people


def test_it_computes_the_month_by_unit(month, world, city_admin):
    rows = {r.name: (r.served, r.members) for r in compliance_by(user=city_admin, month=MAY)}
    assert rows == {"市城发集团": (2, 3), "国网株洲供电公司": (1, 2)}
    total = compliance_total(compliance_by(user=city_admin, month=MAY))
    assert (total.served, total.members, total.percent) == (3, 5, "60.0%")


def test_it_computes_the_month_by_district(month, city_admin):
    rows = {r.name: (r.served, r.members) for r in compliance_by(user=city_admin, month=MAY, group="district")}
    assert rows == {"石峰区": (2, 3), "荷塘区": (1, 2)}


def test_it_lists_those_not_yet_served(month, city_admin):
    assert {v.name for v in not_served(user=city_admin, month=MAY)} == {"丙", "己"}


def test_june_counts_the_newcomer(month, city_admin):
    rows = {r.name: (r.served, r.members) for r in compliance_by(user=city_admin, month=datetime.date(2023, 6, 1))}
    assert rows == {"市城发集团": (1, 3), "国网株洲供电公司": (1, 3)}


def test_a_liaison_sees_only_their_own_unit(month, chengfa_liaison, gongdian_liaison):
    assert [r.name for r in compliance_by(user=chengfa_liaison, month=MAY)] == ["市城发集团"]
    assert {v.name for v in not_served(user=gongdian_liaison, month=MAY)} == {"己"}


def test_it_answers_in_a_fixed_number_of_queries(month, city_admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # the scope (2), the aggregate, the names
        compliance_by(user=city_admin, month=MAY)
