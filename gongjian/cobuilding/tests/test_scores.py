import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.cobuilding.models import ItemStatus, Plan, PlanItem, ScoreWeight, WorkArea
from gongjian.cobuilding.selectors import ranking
from gongjian.cobuilding.services import (
    SYSTEM,
    commendation_create,
    contribution_create,
    plan_agree,
    plan_approve,
    plan_item_add,
    plan_item_update,
    plan_submit,
    score_weights_set,
)
from gongjian.core import scorecard
from gongjian.core.models import AuditEntry
from gongjian.pairings.services import pairing_create, visit_create
from gongjian.places.models import PlaceKind
from gongjian.places.services import place_create
from gongjian.units.models import UnitKind
from gongjian.units.services import unit_create

pytestmark = pytest.mark.django_db
D = datetime.date


def _only_our_parts(campaign: Any) -> None:
    """Parts other apps register weigh 0 here, so the example stays about this app's parts."""
    score_weights_set(
        campaign=campaign,
        weights={p.key: Decimal(0) for p in scorecard.parts() if not p.key.startswith("cobuilding.")},
        actor=SYSTEM,
    )


@pytest.fixture
def scored(world, plan: Plan, sewer_item: PlanItem, chengfa_liaison, gongdian_liaison, beiling_staff, city_admin):
    cf, gd = world["chengfa_pairing"], world["gongdian_pairing"]
    visit_create(pairing=cf, actor=chengfa_liaison, visited_on=D(2023, 5, 2), led_by_head=True)
    visit_create(pairing=cf, actor=chengfa_liaison, visited_on=D(2023, 6, 2))
    visit_create(pairing=gd, actor=gongdian_liaison, visited_on=D(2023, 5, 3))
    paving = plan_item_add(plan=plan, area=WorkArea.COMMUNITY_BUILDING, title="路面硬化", due_on=D(2023, 10, 1))
    plan_submit(plan=plan, actor=chengfa_liaison)
    plan_agree(plan=plan, actor=beiling_staff)
    plan_approve(plan=plan, actor=city_admin)
    plan_item_update(item=sewer_item, status=ItemStatus.DONE, completed_on=D(2023, 9, 20))  # on time
    plan_item_update(item=paving, status=ItemStatus.IN_PROGRESS, progress=60)
    contribution_create(
        pairing=cf,
        actor=chengfa_liaison,
        kind="money",
        made_on=D(2023, 6, 21),
        amount=Decimal("200000"),
        plan_item=sewer_item,
    )
    contribution_create(
        pairing=cf, actor=chengfa_liaison, kind="volunteers", made_on=D(2023, 8, 18), person_times=30, plan_item=paving
    )
    from gongjian.cobuilding.services import project_create

    wells = project_create(pairing=gd, name="电缆井盖板排查")
    contribution_create(
        pairing=gd, actor=gongdian_liaison, kind="money", made_on=D(2023, 7, 1), amount=Decimal("50000"), project=wells
    )
    contribution_create(
        pairing=gd, actor=gongdian_liaison, kind="volunteers", made_on=D(2023, 7, 2), person_times=60, project=wells
    )
    for day in (D(2023, 9, 14), D(2023, 9, 15)):
        commendation_create(pairing=cf, actor=beiling_staff, text="为民福祉，排忧解难", given_on=day)
    _only_our_parts(world["campaign"])
    return world


def test_it_scores_a_small_example_exactly(scored) -> None:
    board = ranking(campaign=scored["campaign"])
    chengfa, gongdian = board.rows
    assert chengfa.unit_short_name == "市城发集团" and chengfa.rank == 1
    points = {p.key: p.points for p in chengfa.parts if p.key.startswith("cobuilding.")}
    # visits 2/4 × 20, head led × 10, approved × 10, 1/2 on time × 15, (0.5 × 1 + 0.5 × 30/60) × 15, 2/2 × 5
    assert points == {
        "cobuilding.visits": Decimal("10.00"),
        "cobuilding.head_led": Decimal("10.00"),
        "cobuilding.plan": Decimal("10.00"),
        "cobuilding.items_on_time": Decimal("7.50"),
        "cobuilding.contributions": Decimal("11.25"),
        "cobuilding.commendations": Decimal("5.00"),
    }
    assert chengfa.total == Decimal("53.75")
    # visits 1/4 × 20, (0.5 × 50000/200000 + 0.5 × 60/60) × 15 = 9.375 → 9.38
    assert gongdian.total == Decimal("14.38")
    assert board.full_marks == Decimal("75")


def test_it_ranks_with_the_weights_the_city_admin_sets(client, scored, city_admin, chengfa_liaison) -> None:
    campaign = scored["campaign"]
    client.force_login(chengfa_liaison)
    url = reverse("cobuilding:weights", args=[campaign.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"cobuilding.visits": "40"}).status_code == 403
    client.force_login(city_admin)
    form = {p.key: str(p.default_weight) for p in scorecard.parts()}
    form.update({k: "0" for k in form if not k.startswith("cobuilding.")})
    form["cobuilding.visits"] = "40"
    assert client.post(url, form).status_code == 302
    assert ranking(campaign=campaign).rows[0].total == Decimal("63.75")
    entry = AuditEntry.objects.filter(
        content_type__model="scoreweight", object_repr__contains="cobuilding.visits"
    ).get()
    assert entry.actor == city_admin and Decimal(entry.changes["weight"][1]) == 40
    with pytest.raises(ValidationError):
        score_weights_set(campaign=campaign, weights={"cobuilding.visits": Decimal("-1")}, actor=city_admin)
    with pytest.raises(ValidationError):
        score_weights_set(campaign=campaign, weights={"no.such.part": Decimal("1")}, actor=city_admin)


def test_it_shows_the_ranking_with_formula_and_exports_it(client, scored, gongdian_liaison) -> None:
    client.force_login(gongdian_liaison)
    page = client.get(reverse("cobuilding:ranking")).content.decode()
    assert "计分公式" in page and "走访次数 ÷ 满分次数" in page and "53.75" in page
    card = client.get(
        reverse("cobuilding:scorecard", args=[scored["campaign"].pk, scored["chengfa"].pk])
    ).content.decode()
    assert "2 / 2 项按期完成" not in card and "1 / 2 项按期完成" in card and "53.75" in card
    response = client.get(reverse("cobuilding:ranking-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ranking-2023.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "2023 红黑榜"
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and both units
    header = rows[0]
    assert header[:7] == ("名次", "单位", "单位类别", "联点社区", "区", "总分", "榜单")
    parts = dict(zip(header[7:], rows[1][7:], strict=True))
    assert parts["走访报到（20）"] == 10 and parts["资金与人力投入（15）"] == 11.25
    assert parts["方案事项按期完成（15）"] == 7.5 and parts["社区表扬（5）"] == 5
    assert rows[1][:7] == (1, "株洲市城市发展集团有限公司", "国有企业", "北岭社区", "石峰区", 53.75, "红榜")
    assert rows[2][:7] == (2, "国网株洲供电公司", "中央、省驻株单位", "湘华社区", "荷塘区", 14.38, "红榜")
    # each row's parts add up to its total
    for row in rows[1:]:
        assert round(sum(row[7:]), 2) == row[5]
    # the export follows the page's filters
    only = client.get(reverse("cobuilding:ranking-export"), {"district": scored["hetang"].pk})
    rows = list(load_workbook(io.BytesIO(only.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["国网株洲供电公司"]


def test_it_filters_the_ranking_by_district_and_kind(client, scored, city_admin) -> None:
    board = ranking(campaign=scored["campaign"], district_id=scored["hetang"].pk)
    assert [r.unit_short_name for r in board.rows] == ["国网株洲供电公司"]
    board = ranking(campaign=scored["campaign"], kind=UnitKind.STATE_OWNED)
    assert [r.unit_short_name for r in board.rows] == ["市城发集团"]


def _grow(world: dict[str, Any], n: int, liaison: Any) -> None:
    district = world["shifeng"]
    sub = place_create(kind=PlaceKind.SUBDISTRICT, name=f"街道{n}", parent=district)
    for i in range(n):
        community = place_create(kind=PlaceKind.COMMUNITY, name=f"社区{n}-{i}", parent=sub)
        unit = unit_create(name=f"单位{n}-{i}", short_name=f"单位{n}-{i}", kind=UnitKind.CITY_DEPARTMENT)
        pairing = pairing_create(campaign=world["campaign"], unit=unit, community=community)
        visit_create(pairing=pairing, actor=None, visited_on=D(2023, 5, 4), led_by_head=i % 2 == 0)
        from gongjian.cobuilding.services import project_create

        project = project_create(pairing=pairing, name=f"项目{i}")
        contribution_create(
            pairing=pairing,
            actor=None,
            kind="money",
            made_on=D(2023, 6, 1),
            amount=Decimal(i * 100 + 100),
            project=project,
        )


def _count(client: Any, url: str) -> int:
    # Counted with an execute wrapper: CaptureQueriesContext loses queries when the request's
    # start resets the connection's query log.
    queries: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_ranks_with_as_many_queries_for_3_units_as_for_30(client, world, city_admin, chengfa_liaison) -> None:
    client.force_login(city_admin)
    url = reverse("cobuilding:ranking")
    _grow(world, 1, chengfa_liaison)  # 2 + 1 = 3 units
    assert ScoreWeight.objects.count() == 0
    small = _count(client, url)
    assert small > 5
    _grow(world, 27, chengfa_liaison)  # 30 units
    assert len(ranking(campaign=world["campaign"]).rows) == 30
    assert _count(client, url) == small
    assert _count(client, reverse("cobuilding:ranking-export")) == _count(client, reverse("cobuilding:ranking-export"))
    sheet = load_workbook(io.BytesIO(client.get(reverse("cobuilding:ranking-export")).content)).active
    boards = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert boards == ["红榜"] * 10 + [None] * 10 + ["黑榜"] * 10


def test_it_gives_the_same_hand_computed_scores_over_the_api(client, scored, resident) -> None:
    client.force_login(resident)
    board = client.get("/api/cobuilding/ranking", {"campaign": scored["campaign"].pk}).json()
    chengfa, gongdian = board["rows"]
    assert (chengfa["rank"], chengfa["unit_name"], chengfa["total"]) == (1, "株洲市城市发展集团有限公司", "53.75")
    parts = {p["key"]: (p["weight"], p["ratio"], p["points"], p["detail"]) for p in chengfa["parts"]}
    assert parts["cobuilding.visits"] == ("20", 0.5, "10.00", "2 次（满分 4 次）")
    assert parts["cobuilding.items_on_time"] == ("15", 0.5, "7.50", "1 / 2 项按期完成")
    assert parts["cobuilding.contributions"] == ("15", 0.75, "11.25", "200,000.00 元，30 人次")
    assert gongdian["total"] == "14.38" and Decimal(board["full_marks"]) == 75
