"""Dashboard figures and the unit scorecard parts."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.cases.models import Case
from gongjian.cases.scores import cases_on_time, cases_rating
from gongjian.cases.selectors import case_breakdown, case_stats
from gongjian.cases.services import (
    case_accept,
    case_dispatch,
    case_rate,
    case_report,
    case_resolve,
    case_verify,
    clock_at,
)
from gongjian.core.figures import FigureContext, collect

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(
    located: dict[str, Any], categories: dict[str, Any], beiling_grid_worker: User, chengfa_liaison: User
) -> list[Case]:
    """Three cases of 北岭社区 in May 2023: one fixed in time and rated 5, one fixed late and rated
    3, one still open and overdue."""
    start = datetime.datetime(2023, 5, 4, 9, tzinfo=timezone.get_current_timezone())
    out = []
    for i, (hours_to_fix, rating) in enumerate([(10, 5), (100, 3), (None, None)]):
        at = start + datetime.timedelta(hours=i)
        with clock_at(at):
            case = case_report(category="sewer", description=f"第 {i} 件", place=located["xinyuan"], source="public")
            case_accept(case=case, actor=beiling_grid_worker)
            case_dispatch(case=case, actor=beiling_grid_worker)
        if hours_to_fix is not None:
            with clock_at(at + datetime.timedelta(hours=hours_to_fix)):
                case_resolve(case=case, actor=chengfa_liaison, note="已修")
                case_verify(case=case, actor=beiling_grid_worker)
                case_rate(case=case, rating=rating)
        out.append(case)
    return out


def test_stats_and_breakdowns(history: list[Case]) -> None:
    at = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)
    stats = case_stats(Case.objects.all(), at=at)
    assert (stats.total, stats.open, stats.overdue, stats.resolved, stats.resolved_on_time) == (3, 1, 1, 2, 1)
    assert stats.average_rating == 4 and stats.median_hours_to_close == pytest.approx(55, abs=1)
    rows = case_breakdown(Case.objects.all(), by="unit__short_name", at=at)
    assert rows == [{"name": "市城发集团", "total": 3, "open": 1, "overdue": 1, "resolved": 2, "on_time": 1}]


def test_the_dashboard_shows_case_figures_in_scope(
    history: list[Case], city_admin: User, gongdian_liaison: User
) -> None:
    figures = {f.key: f for f in collect(FigureContext(user=city_admin, as_of=datetime.date(2023, 6, 1)))}
    assert figures["cases.open"].value == "1"
    assert figures["cases.on_time"].value == "50%"
    assert figures["cases.by_unit"].value == "4.0"
    theirs = {f.key for f in collect(FigureContext(user=gongdian_liaison, as_of=datetime.date(2023, 6, 1)))}
    assert not theirs & {"cases.open", "cases.on_time", "cases.by_unit"}
    c = Client()
    c.force_login(city_admin)
    assert c.get("/dashboard/", {"as_of": "2023-06-01"}).status_code == 200


def test_score_parts(history: list[Case], world: dict[str, Any]) -> None:
    on_time = cases_on_time(world["campaign"])
    assert on_time[world["chengfa"].pk].ratio == 0.5
    assert world["gongdian"].pk not in on_time
    rating = cases_rating(world["campaign"])
    assert rating[world["chengfa"].pk].ratio == pytest.approx(0.8)
