"""Who sees which cases, and who sees the reporter."""

from typing import Any

import pytest

from gongjian.accounts.models import User
from gongjian.cases.models import Case
from gongjian.cases.policies import VIEW_REPORTER
from gongjian.cases.selectors import case_list, may_see_reporter
from gongjian.cases.services import case_accept, case_dispatch, case_redispatch, case_report
from gongjian.core import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(located: dict[str, Any], categories: dict[str, Any], resident: User) -> dict[str, Case]:
    beiling = case_report(
        category="sewer",
        description="北岭的下水道",
        place=located["xinyuan"],
        reporter=resident,
        reporter_name="北岭居民",
        reporter_phone="13700000003",
        source="public",
    )
    xianghua = case_report(category="sewer", description="湘华的下水道", place=located["xianghua"], source="public")
    return {"beiling": beiling, "xianghua": xianghua}


def _seen(user: Any) -> set[str]:
    return {c.description for c in case_list(user=user)}


def test_the_city_admin_sees_all(two_cases: dict[str, Case], city_admin: User) -> None:
    assert _seen(city_admin) == {"北岭的下水道", "湘华的下水道"}


def test_community_staff_and_grid_workers_see_their_community(
    two_cases: dict[str, Case], beiling_staff: User, beiling_grid_worker: User
) -> None:
    assert _seen(beiling_staff) == {"北岭的下水道"}
    assert _seen(beiling_grid_worker) == {"北岭的下水道"}


def test_a_liaison_sees_only_cases_dispatched_to_their_unit(
    two_cases: dict[str, Case], chengfa_liaison: User, gongdian_liaison: User, city_admin: User, world: dict[str, Any]
) -> None:
    assert _seen(chengfa_liaison) == set()
    case = two_cases["beiling"]
    case_accept(case=case, actor=city_admin)
    case_dispatch(case=case, actor=city_admin, unit=world["chengfa"])
    assert _seen(chengfa_liaison) == {"北岭的下水道"}
    assert _seen(gongdian_liaison) == set()
    case_redispatch(case=case, actor=city_admin, unit=world["gongdian"], reason="供电问题")
    assert _seen(chengfa_liaison) == set()
    assert _seen(gongdian_liaison) == {"北岭的下水道"}


def test_a_resident_sees_only_their_own(two_cases: dict[str, Case], resident: User) -> None:
    assert _seen(resident) == {"北岭的下水道"}
    # …but not who else reported, nor the right to handle it.
    assert not may_see_reporter(user=resident, case=two_cases["beiling"])
    assert not policy.can(resident, "handle", two_cases["beiling"])


def test_the_reporter_is_visible_only_to_those_handling_the_case(
    two_cases: dict[str, Case],
    city_admin: User,
    beiling_staff: User,
    beiling_grid_worker: User,
    chengfa_liaison: User,
    gongdian_liaison: User,
    world: dict[str, Any],
) -> None:
    case = two_cases["beiling"]
    assert may_see_reporter(user=city_admin, case=case)
    assert may_see_reporter(user=beiling_staff, case=case)
    assert may_see_reporter(user=beiling_grid_worker, case=case)
    assert not may_see_reporter(user=chengfa_liaison, case=case)  # not dispatched to them
    case_accept(case=case, actor=beiling_staff)
    case_dispatch(case=case, actor=beiling_staff, unit=world["chengfa"])
    assert may_see_reporter(user=chengfa_liaison, case=case)
    assert not may_see_reporter(user=gongdian_liaison, case=case)
    assert not policy.restrict(Case.objects.all(), None, VIEW_REPORTER).exists()


def test_anonymous_sees_nothing_through_the_policy(two_cases: dict[str, Case]) -> None:
    assert not policy.restrict(Case.objects.all(), None, policy.VIEW).exists()
