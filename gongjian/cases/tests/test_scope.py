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


def test_a_grid_worker_sees_their_grid_and_community_and_nothing_else(
    two_cases: dict[str, Case], located: dict[str, Any], beiling_grid_worker: User, chengfa_liaison: User
) -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import Client

    from gongjian.accounts.models import Role
    from gongjian.accounts.services import membership_grant, user_create
    from gongjian.places.models import PlaceKind
    from gongjian.places.services import place_create

    grid2 = place_create(kind=PlaceKind.GRID, name="湘华社区第二网格", parent=located["xianghua"])
    xianghua_grid = user_create(username="xianghua-grid", password="x-Pass-2023!", display_name="湘华网格员")
    membership_grant(user=xianghua_grid, role=Role.GRID_WORKER, place=grid2)
    in_grid = case_report(category="sewer", description="湘华第二网格的下水道", place=grid2, source="public")
    assert _seen(xianghua_grid) == {"湘华的下水道", "湘华第二网格的下水道"}
    assert "北岭的下水道" in _seen(beiling_grid_worker) and "湘华第二网格的下水道" not in _seen(beiling_grid_worker)
    beiling = two_cases["beiling"]
    with pytest.raises(PermissionDenied):
        case_accept(case=beiling, actor=xianghua_grid)
    assert not may_see_reporter(user=xianghua_grid, case=beiling)
    assert may_see_reporter(user=xianghua_grid, case=in_grid)
    # The pages and the export say the same: another community's case does not exist for them.
    c = Client()
    c.force_login(xianghua_grid)
    assert c.get(f"/cases/manage/{beiling.pk}/").status_code == 404
    assert c.post(f"/cases/manage/{beiling.pk}/accept/", {"accept-priority": "normal"}).status_code == 404
    assert Case.objects.get(pk=beiling.pk).status == Case.Status.REPORTED
    body = c.get("/cases/manage/").content.decode()
    assert in_grid.number in body and beiling.number not in body


def test_a_liaison_pages_and_export_hold_only_their_units_cases(
    two_cases: dict[str, Case], chengfa_liaison: User, city_admin: User, world: dict[str, Any]
) -> None:
    import io

    from django.test import Client
    from openpyxl import load_workbook

    beiling, xianghua = two_cases["beiling"], two_cases["xianghua"]
    for case, unit in ((beiling, world["chengfa"]), (xianghua, world["gongdian"])):
        case_accept(case=case, actor=city_admin)
        case_dispatch(case=case, actor=city_admin, unit=unit)
    c = Client()
    c.force_login(chengfa_liaison)
    body = c.get("/cases/manage/").content.decode()
    assert beiling.number in body and xianghua.number not in body
    assert c.get(f"/cases/manage/{xianghua.pk}/").status_code == 404
    rows = list(
        load_workbook(io.BytesIO(c.get("/cases/manage/export.xlsx").content)).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [beiling.number]
    assert rows[1][-2:] == ("北岭居民", "13700000003")  # the unit handles it: it may call the reporter
