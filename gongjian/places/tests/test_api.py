import pytest

from gongjian.places.models import Place, PlaceKind
from gongjian.places.services import place_create

pytestmark = pytest.mark.django_db


def _estates(world, n):
    return [place_create(kind=PlaceKind.ESTATE, name=f"湘华第{i:02d}小区", parent=world["xianghua"]) for i in range(n)]


def test_it_pages_through_places(client, resident, world):
    _estates(world, 25)
    client.force_login(resident)
    first = client.get("/api/places", {"parent": world["xianghua"].pk, "page_size": 10}).json()
    assert first["count"] == 25
    assert [p["name"] for p in first["items"]][:2] == ["湘华第00小区", "湘华第01小区"]
    third = client.get("/api/places", {"parent": world["xianghua"].pk, "page_size": 10, "page": 3}).json()
    assert [p["name"] for p in third["items"]] == [f"湘华第{i:02d}小区" for i in range(20, 25)]
    assert client.get("/api/places", {"page_size": 101}).status_code == 422


def test_it_filters_places(client, resident, world):
    client.force_login(resident)

    def names(**params):
        return [p["name"] for p in client.get("/api/places", params).json()["items"]]

    assert names(kind="community") == ["北岭社区", "湘华社区"]
    assert names(root="true") == ["石峰区", "荷塘区"]
    assert names(q="北岭") == ["北岭社区", "北岭社区第一网格"]
    assert names(parent=world["shifeng"].pk) == ["田心街道"]
    assert names(kind="community", q="湘") == ["湘华社区"]
    assert client.get("/api/places", {"kind": "village"}).status_code == 422


def test_it_shows_a_place_with_its_ancestors_and_children(client, resident, world):
    client.force_login(resident)
    grid = client.get(f"/api/places/{world['grid'].pk}").json()
    assert [a["name"] for a in grid["ancestors"]] == ["石峰区", "田心街道", "北岭社区", "新苑小区"]
    assert grid["kind"] == "grid"
    assert grid["kind_label"] == "网格"
    children = client.get(f"/api/places/{world['beiling'].pk}/children").json()
    assert [(c["name"], c["child_count"]) for c in children["items"]] == [("新苑小区", 1)]
    assert client.get("/api/places/999999/children").status_code == 404


def test_it_lets_the_city_admin_edit_the_tree(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post(
        "/api/places",
        {
            "kind": "community",
            "name": " 桂花社区 ",
            "parent": world["tianxin"].pk,
            "latitude": "27.865",
            "code": "430204",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    created = r.json()
    assert created["name"] == "桂花社区"
    assert created["latitude"] == 27.865
    assert [a["name"] for a in created["ancestors"]] == ["石峰区", "田心街道"]

    moved = client.patch(
        f"/api/places/{created['id']}",
        {"parent": world["jinshan"].pk, "latitude": None},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert [a["name"] for a in moved.json()["ancestors"]] == ["荷塘区", "金山街道"]
    assert moved.json()["latitude"] is None
    assert Place.objects.get(pk=created["id"]).path.startswith(world["jinshan"].path)

    assert client.delete(f"/api/places/{created['id']}").status_code == 204
    assert not Place.objects.filter(pk=created["id"]).exists()


def test_it_explains_why_a_place_cannot_be_written(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post("/api/places", {"kind": "community", "name": "无主社区"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": "parent", "message": "只有“区”可以没有上级。"}]
    r = client.post(
        "/api/places", {"kind": "community", "name": "x", "parent": 999999}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "parent"
    r = client.delete(f"/api/places/{world['beiling'].pk}")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": None, "message": "该地点还有下级，不能删除。"}]
    r = client.patch(f"/api/places/{world['beiling'].pk}", {"name": None}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "name"


def test_it_refuses_writes_by_a_resident(client, resident, world):
    client.force_login(resident)
    r = client.post(
        "/api/places",
        {"kind": "community", "name": "桂花社区", "parent": world["tianxin"].pk},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not Place.objects.filter(name="桂花社区").exists()
    assert (
        client.patch(f"/api/places/{world['grid'].pk}", {"name": "改名"}, content_type="application/json").status_code
        == 403
    )
    assert client.delete(f"/api/places/{world['grid'].pk}").status_code == 403
    assert Place.objects.get(pk=world["grid"].pk).name == "北岭社区第一网格"


def test_it_refuses_writes_by_a_unit_liaison(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = client.post("/api/places", {"kind": "district", "name": "芦淞区"}, content_type="application/json")
    assert r.status_code == 403
    assert not Place.objects.filter(name="芦淞区").exists()
