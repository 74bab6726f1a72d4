import pytest

from gongjian.units.models import Unit, UnitKind
from gongjian.units.services import unit_create

pytestmark = pytest.mark.django_db


def test_it_lists_and_filters_units(client, resident, world):
    unit_create(name="株洲市教育局", short_name="市教育局", kind=UnitKind.CITY_DEPARTMENT, is_active=False)
    client.force_login(resident)

    def names(**params):
        return [u["short_name"] for u in client.get("/api/units", params).json()["items"]]

    assert names() == ["市城发集团", "国网株洲供电公司", "市教育局"]
    assert names(kind="state_owned") == ["市城发集团"]
    assert names(q="张三") == ["市城发集团"]
    assert names(q="株洲") == ["市城发集团", "国网株洲供电公司", "市教育局"]
    assert names(active="false") == ["市教育局"]
    assert names(active="true", page_size=1, page=2) == ["国网株洲供电公司"]
    unit = client.get(f"/api/units/{world['chengfa'].pk}").json()
    assert (unit["kind"], unit["kind_label"], unit["display_name"]) == ("state_owned", "国有企业", "市城发集团")
    assert client.get("/api/units/999999").status_code == 404


def test_it_lets_the_city_admin_manage_units(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post(
        "/api/units",
        {"name": "株洲市教育局", "kind": "city_department", "short_name": "市教育局"},
        content_type="application/json",
    )
    assert r.status_code == 201
    unit_id = r.json()["id"]
    r = client.patch(
        f"/api/units/{unit_id}", {"is_active": False, "head_name": "李四"}, content_type="application/json"
    )
    assert r.status_code == 200
    assert (r.json()["is_active"], r.json()["head_name"], r.json()["name"]) == (False, "李四", "株洲市教育局")
    assert client.delete(f"/api/units/{unit_id}").status_code == 204
    assert not Unit.objects.filter(pk=unit_id).exists()


def test_it_explains_why_a_unit_cannot_be_written(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post("/api/units", {"name": "国网株洲供电公司", "kind": "other"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "name"
    r = client.delete(f"/api/units/{world['chengfa'].pk}")
    assert r.status_code == 400
    assert "停用" in r.json()["errors"][0]["message"]
    r = client.post("/api/units", {"name": "x", "kind": "other", "is_active": "no"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "is_active"


def test_it_refuses_writes_by_a_resident(client, resident, world):
    client.force_login(resident)
    assert (
        client.post("/api/units", {"name": "某单位", "kind": "other"}, content_type="application/json").status_code
        == 403
    )
    assert not Unit.objects.filter(name="某单位").exists()
    chengfa = world["chengfa"].pk
    assert client.patch(f"/api/units/{chengfa}", {"phone": "123"}, content_type="application/json").status_code == 403
    assert client.delete(f"/api/units/{chengfa}").status_code == 403
    assert Unit.objects.get(pk=chengfa).phone == ""


def test_it_refuses_a_liaison_changing_their_own_unit(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = client.patch(f"/api/units/{world['chengfa'].pk}", {"phone": "123"}, content_type="application/json")
    assert r.status_code == 403
