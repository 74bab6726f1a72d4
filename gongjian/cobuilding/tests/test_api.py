from typing import Any

import pytest

from gongjian.cobuilding.models import Contribution
from gongjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"
API = "/api/cobuilding"


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type=JSON)


def test_it_runs_the_plan_lifecycle_over_the_api(client, world, chengfa_liaison, beiling_staff, city_admin) -> None:
    client.force_login(chengfa_liaison)
    r = _post(client, f"{API}/plans", {"pairing": world["chengfa_pairing"].pk, "goals": "解决下水道淤堵"})
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["status"] == "draft" and plan["title"] == "2023年度市城发集团北岭社区共建工作实施方案"
    pid = plan["id"]
    r = _post(client, f"{API}/plans/{pid}/submit")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "items"
    r = _post(
        client,
        f"{API}/plans/{pid}/items",
        {"area": "community_building", "title": "下水管道改造", "budget": "200000.00", "due_on": "2023-09-30"},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["budget"] == "200000.00"
    item = r.json()["id"]
    assert _post(client, f"{API}/plans/{pid}/submit").json()["revision"] == 1

    client.force_login(beiling_staff)
    r = _post(client, f"{API}/plans/{pid}/return", {"comment": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "comment"
    assert _post(client, f"{API}/plans/{pid}/return", {"comment": "补充化粪池"}).json()["status"] == "returned"

    client.force_login(chengfa_liaison)
    assert client.patch(f"{API}/plan-items/{item}", {"budget": 150000}, content_type=JSON).status_code == 200
    _post(
        client,
        f"{API}/plans/{pid}/items",
        {"area": "community_building", "title": "新建化粪池", "due_on": "2023-10-31"},
    )
    assert _post(client, f"{API}/plans/{pid}/submit").json()["revision"] == 2
    diff = client.get(f"{API}/plans/{pid}/compare", {"a": 1, "b": 2}).json()
    assert diff["counts"] == {"added": 1, "removed": 0, "changed": 1, "same": 0}
    changed = next(d for d in diff["items"] if d["state"] == "changed")
    assert changed["changes"] == [{"label": "预算（元）", "old": "200000.00", "new": "150000.00"}]
    assert [r["outcome"] for r in client.get(f"{API}/plans/{pid}/revisions").json()] == ["returned", "submitted"]

    client.force_login(beiling_staff)
    assert _post(client, f"{API}/plans/{pid}/agree").json()["status"] == "agreed"
    client.force_login(city_admin)
    assert _post(client, f"{API}/plans/{pid}/approve").json()["status"] == "approved"


def test_it_refuses_another_unit_and_anonymous_over_the_api(
    client, world, plan, sewer_item, gongdian_liaison, beiling_staff
) -> None:
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 401
    client.force_login(gongdian_liaison)
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 404
    assert client.get(f"{API}/plans").json()["count"] == 0
    assert (
        _post(
            client, f"{API}/plans/{plan.pk}/items", {"area": "publicity", "title": "x", "due_on": "2023-06-01"}
        ).status_code
        == 404
    )
    assert client.patch(f"{API}/plan-items/{sewer_item.pk}", {"progress": 50}, content_type=JSON).status_code == 404
    r = _post(client, f"{API}/plans", {"pairing": world["chengfa_pairing"].pk})
    assert r.status_code == 403
    r = _post(
        client,
        f"{API}/contributions",
        {
            "pairing": world["chengfa_pairing"].pk,
            "kind": "money",
            "made_on": "2023-06-01",
            "amount": 1,
            "plan_item": sewer_item.pk,
        },
    )
    assert r.status_code == 403
    # the community's staff see the plan but cannot edit it
    client.force_login(beiling_staff)
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 200
    assert client.patch(f"{API}/plans/{plan.pk}", {"goals": "改"}, content_type=JSON).status_code == 403
    assert _post(client, f"{API}/plans/{plan.pk}/approve").status_code == 403


@pytest.mark.parametrize(
    ("amount", "message"),
    [(-1, "不能小于 0"), ("12.345", "小数不能超过 2 位"), ("abc", "应为数字")],
)
def test_it_refuses_bad_money_naming_the_field(client, world, sewer_item, chengfa_liaison, amount, message) -> None:
    client.force_login(chengfa_liaison)
    body = {
        "pairing": world["chengfa_pairing"].pk,
        "kind": "money",
        "made_on": "2023-06-01",
        "amount": amount,
        "plan_item": sewer_item.pk,
    }
    r = _post(client, f"{API}/contributions", body)
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "amount" and message in error["message"]
    assert not Contribution.objects.exists()


def test_it_refuses_an_untied_or_outside_entry(client, world, sewer_item, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    body = {"pairing": world["chengfa_pairing"].pk, "kind": "volunteers", "made_on": "2023-06-01", "person_times": 30}
    r = _post(client, f"{API}/contributions", body)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "plan_item"
    r = _post(client, f"{API}/contributions", {**body, "plan_item": sewer_item.pk, "made_on": "2023-01-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "made_on"


def test_it_totals_the_ledger_by_unit_community_district_and_campaign(
    client, world, plan, sewer_item, chengfa_liaison, gongdian_liaison, city_admin
) -> None:
    client.force_login(chengfa_liaison)
    base = {"pairing": world["chengfa_pairing"].pk, "made_on": "2023-06-21", "plan_item": sewer_item.pk}
    for body in (
        {"kind": "money", "amount": "120000.10"},
        {"kind": "money", "amount": 80000.25},
        {"kind": "volunteers", "person_times": 35},
        {"kind": "materials", "material": "水泥", "quantity": "40", "measure": "袋"},
    ):
        assert _post(client, f"{API}/contributions", {**base, **body}).status_code == 201
    client.force_login(gongdian_liaison)
    project = _post(
        client, f"{API}/projects", {"pairing": world["gongdian_pairing"].pk, "name": "电缆井盖板排查", "budget": 50000}
    ).json()["id"]
    body = {
        "pairing": world["gongdian_pairing"].pk,
        "made_on": "2023-07-01",
        "project": project,
        "kind": "money",
        "amount": "0.01",
    }
    assert _post(client, f"{API}/contributions", body).status_code == 201

    mine = client.get(f"{API}/contributions/totals", {"by": "unit"}).json()
    assert mine == [
        {
            "key": world["gongdian"].pk,
            "name": "国网株洲供电公司",
            "money": "0.01",
            "person_times": 0,
            "material_entries": 0,
            "entries": 1,
        }
    ]
    client.force_login(city_admin)
    by_unit = client.get(f"{API}/contributions/totals", {"by": "unit"}).json()
    assert [(t["name"], t["money"], t["person_times"], t["entries"]) for t in by_unit] == [
        ("市城发集团", "200000.35", 35, 4),
        ("国网株洲供电公司", "0.01", 0, 1),
    ]
    by_district = client.get(f"{API}/contributions/totals", {"by": "district"}).json()
    assert [(t["name"], t["money"]) for t in by_district] == [("石峰区", "200000.35"), ("荷塘区", "0.01")]
    by_community = client.get(f"{API}/contributions/totals", {"by": "community"}).json()
    assert [t["name"] for t in by_community] == ["北岭社区", "湘华社区"]
    by_campaign = client.get(f"{API}/contributions/totals", {"by": "campaign"}).json()
    assert [(t["name"], t["money"], t["material_entries"]) for t in by_campaign] == [
        ("2023 株事有礼·社区联点共建", "200000.36", 1)
    ]


def test_it_audits_ledger_changes(client, world, sewer_item, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    body = {
        "pairing": world["chengfa_pairing"].pk,
        "kind": "money",
        "made_on": "2023-06-21",
        "amount": "100",
        "plan_item": sewer_item.pk,
    }
    entry = _post(client, f"{API}/contributions", body).json()["id"]
    assert (
        client.patch(f"{API}/contributions/{entry}", {"amount": "150.50"}, content_type=JSON).json()["amount"]
        == "150.50"
    )
    assert client.delete(f"{API}/contributions/{entry}").status_code == 204
    actions = list(
        AuditEntry.objects.filter(content_type__model="contribution", object_id=str(entry))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("create", chengfa_liaison.pk), ("update", chengfa_liaison.pk), ("delete", chengfa_liaison.pk)]


def test_it_publishes_the_ranking_over_the_api(client, world, resident) -> None:
    client.force_login(resident)
    r = client.get(f"{API}/ranking", {"campaign": world["campaign"].pk})
    assert r.status_code == 200
    board = r.json()
    assert {row["unit_name"] for row in board["rows"]} == {"株洲市城市发展集团有限公司", "国网株洲供电公司"}
    assert "cobuilding.visits" in [p["key"] for p in board["parts"]]


def test_it_lets_the_community_record_a_commendation(client, world, beiling_grid_worker, gongdian_liaison) -> None:
    body = {
        "pairing": world["chengfa_pairing"].pk,
        "text": "为民福祉，排忧解难",
        "given_on": "2023-09-15",
        "given_by": "网格员丁元春和居民代表",
    }
    client.force_login(gongdian_liaison)
    assert _post(client, f"{API}/commendations", body).status_code == 403
    client.force_login(beiling_grid_worker)
    r = _post(client, f"{API}/commendations", body)
    assert r.status_code == 201 and r.json()["kind"] == "pennant"
