import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.conftest import make_photo
from gongjian.pairings.models import Campaign, Pairing, Visit, VisitPhoto
from gongjian.pairings.services import visit_create
from gongjian.units.services import unit_create

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _b64(upload: SimpleUploadedFile) -> str:
    return base64.b64encode(upload.read()).decode()


def _visit(world, user, day=datetime.date(2023, 5, 2), pairing="chengfa_pairing", **fields) -> Visit:
    return visit_create(pairing=world[pairing], actor=user, visited_on=day, **fields)


# --- Campaigns -------------------------------------------------------------------------------


def test_it_reports_campaign_progress_as_of_a_date(client, resident, world, chengfa_liaison, gongdian_liaison):
    _visit(world, chengfa_liaison, datetime.date(2023, 4, 27), led_by_head=True)
    _visit(world, chengfa_liaison, datetime.date(2023, 5, 8))
    _visit(world, gongdian_liaison, datetime.date(2023, 5, 10), pairing="gongdian_pairing")
    client.force_login(resident)
    campaign = world["campaign"].pk
    r = client.get(f"/api/campaigns/{campaign}/progress", {"as_of": "2023-05-09"})
    assert r.status_code == 200
    progress = r.json()
    counts = {k: progress[k] for k in ("paired_units", "visited_units", "head_led_units", "visits")}
    assert counts == {"paired_units": 2, "visited_units": 1, "head_led_units": 1, "visits": 2}
    assert (progress["rate"], progress["percent"]) == (0.5, "50.0%")
    assert progress["weeks"] == [
        {"week_start": "2023-04-24", "visits": 1},
        {"week_start": "2023-05-01", "visits": 0},
        {"week_start": "2023-05-08", "visits": 1},
    ]
    # Without as_of: today, kept within the campaign (which ended in 2023).
    assert client.get(f"/api/campaigns/{campaign}/progress").json()["as_of"] == "2023-12-31"
    assert client.get(f"/api/campaigns/{campaign}/progress", {"as_of": "2023-5-9"}).status_code == 422
    assert client.get("/api/campaigns/999999/progress").status_code == 404


def test_it_lets_the_city_admin_set_up_campaigns(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post(
        "/api/campaigns",
        {"year": 2024, "name": "2024 年联点共建", "starts_on": "2024-03-01", "ends_on": "2024-12-31"},
        content_type=JSON,
    )
    assert r.status_code == 201
    r = client.patch(f"/api/campaigns/{r.json()['id']}", {"ends_on": "2024-02-01"}, content_type=JSON)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "ends_on"
    assert [c["year"] for c in client.get("/api/campaigns").json()["items"]] == [2024, 2023]


def test_it_refuses_campaign_writes_by_a_liaison(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = client.post(
        "/api/campaigns",
        {"year": 2024, "name": "x", "starts_on": "2024-03-01", "ends_on": "2024-12-31"},
        content_type=JSON,
    )
    assert r.status_code == 403
    assert not Campaign.objects.filter(year=2024).exists()
    assert client.patch(f"/api/campaigns/{world['campaign'].pk}", {"name": "x"}, content_type=JSON).status_code == 403


# --- Pairings --------------------------------------------------------------------------------


def test_it_lists_and_filters_pairings(client, resident, world):
    client.force_login(resident)

    def units(**params):
        return [p["unit"]["short_name"] for p in client.get("/api/pairings", params).json()["items"]]

    assert units() == ["市城发集团", "国网株洲供电公司"]
    assert units(year=2023) == ["市城发集团", "国网株洲供电公司"]
    assert units(year=2022) == []
    assert units(campaign=world["campaign"].pk, community=world["xianghua"].pk) == ["国网株洲供电公司"]
    assert units(unit=world["chengfa"].pk) == ["市城发集团"]
    pairing = client.get(f"/api/pairings/{world['chengfa_pairing'].pk}").json()
    assert (pairing["community"]["name"], pairing["campaign"]["year"]) == ("北岭社区", 2023)


def test_it_lets_the_city_admin_manage_pairings(client, city_admin, world):
    unit = unit_create(name="株洲市教育局", kind="city_department")
    client.force_login(city_admin)
    r = client.post(
        "/api/pairings",
        {"campaign": world["campaign"].pk, "unit": unit.pk, "community": world["beiling"].pk},
        content_type=JSON,
    )
    assert r.status_code == 201
    pairing_id = r.json()["id"]
    r = client.patch(
        f"/api/pairings/{pairing_id}", {"community": world["xianghua"].pk, "note": "调整"}, content_type=JSON
    )
    assert (r.status_code, r.json()["community"]["name"], r.json()["note"]) == (200, "湘华社区", "调整")
    assert client.delete(f"/api/pairings/{pairing_id}").status_code == 204

    twice = client.post(
        "/api/pairings",
        {"campaign": world["campaign"].pk, "unit": world["chengfa"].pk, "community": world["xianghua"].pk},
        content_type=JSON,
    )
    assert twice.status_code == 400
    assert twice.json()["errors"][0]["field"] == "unit"
    not_a_community = client.patch(
        f"/api/pairings/{world['chengfa_pairing'].pk}", {"community": world["grid"].pk}, content_type=JSON
    )
    assert not_a_community.status_code == 400
    assert not_a_community.json()["errors"][0]["field"] == "community"


def test_it_refuses_pairing_writes_by_a_resident(client, resident, world):
    unit = unit_create(name="株洲市教育局", kind="city_department")
    client.force_login(resident)
    r = client.post(
        "/api/pairings",
        {"campaign": world["campaign"].pk, "unit": unit.pk, "community": world["beiling"].pk},
        content_type=JSON,
    )
    assert r.status_code == 403
    assert not Pairing.objects.filter(unit=unit).exists()
    pairing = world["chengfa_pairing"].pk
    assert client.patch(f"/api/pairings/{pairing}", {"note": "x"}, content_type=JSON).status_code == 403
    assert client.delete(f"/api/pairings/{pairing}").status_code == 403
    assert Pairing.objects.filter(pk=pairing).exists()


def test_it_keeps_a_pairing_that_has_visits(client, city_admin, chengfa_liaison, world):
    _visit(world, chengfa_liaison)
    client.force_login(city_admin)
    r = client.delete(f"/api/pairings/{world['chengfa_pairing'].pk}")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": None, "message": "该联点关系已有走访记录，不能删除。"}]


# --- Visits: who may see and do what ---------------------------------------------------------


def test_it_hides_another_units_visits_from_a_liaison(client, gongdian_liaison, chengfa_liaison, world):
    visit = _visit(world, chengfa_liaison, findings="下水道淤堵")
    client.force_login(gongdian_liaison)
    assert client.get("/api/visits").json() == {"items": [], "count": 0}
    assert client.get(f"/api/visits/{visit.pk}").status_code == 404
    assert client.patch(f"/api/visits/{visit.pk}", {"findings": "改掉"}, content_type=JSON).status_code == 404
    assert client.delete(f"/api/visits/{visit.pk}").status_code == 404
    r = client.post(f"/api/visits/{visit.pk}/photos", {"photos": [make_photo()]})
    assert r.status_code == 404
    visit.refresh_from_db()
    assert visit.findings == "下水道淤堵"
    assert not VisitPhoto.objects.exists()


def test_it_refuses_a_visit_on_another_units_pairing(client, gongdian_liaison, world):
    client.force_login(gongdian_liaison)
    r = client.post(
        "/api/visits", {"pairing": world["chengfa_pairing"].pk, "visited_on": "2023-05-02"}, content_type=JSON
    )
    assert r.status_code == 403
    assert not Visit.objects.exists()
    own = client.post(
        "/api/visits", {"pairing": world["gongdian_pairing"].pk, "visited_on": "2023-05-02"}, content_type=JSON
    )
    assert own.status_code == 201


def test_it_lets_the_grid_worker_read_but_not_change_their_communitys_visits(
    client, beiling_grid_worker, chengfa_liaison, world
):
    visit = _visit(world, chengfa_liaison)
    _visit(world, chengfa_liaison, pairing="gongdian_pairing")  # 湘华社区: not the grid worker's
    client.force_login(beiling_grid_worker)
    listed = client.get("/api/visits").json()
    assert [v["id"] for v in listed["items"]] == [visit.pk]
    assert client.get(f"/api/visits/{visit.pk}").status_code == 200
    assert client.patch(f"/api/visits/{visit.pk}", {"findings": "改掉"}, content_type=JSON).status_code == 403
    assert client.delete(f"/api/visits/{visit.pk}").status_code == 403
    assert client.post(f"/api/visits/{visit.pk}/photos", {"photos": [make_photo()]}).status_code == 403
    assert Visit.objects.filter(pk=visit.pk, findings="").exists()
    assert not VisitPhoto.objects.exists()


def test_it_shows_a_resident_no_visits(client, resident, chengfa_liaison, world):
    visit = _visit(world, chengfa_liaison)
    client.force_login(resident)
    assert client.get("/api/visits").json()["count"] == 0
    assert client.get(f"/api/visits/{visit.pk}").status_code == 404


def test_it_lets_the_city_admin_do_everything_with_visits(client, city_admin, world):
    client.force_login(city_admin)
    r = client.post(
        "/api/visits", {"pairing": world["gongdian_pairing"].pk, "visited_on": "2023-05-02"}, content_type=JSON
    )
    assert r.status_code == 201
    visit_id = r.json()["id"]
    assert (
        client.patch(f"/api/visits/{visit_id}", {"led_by_head": True}, content_type=JSON).json()["led_by_head"] is True
    )
    assert client.post(f"/api/visits/{visit_id}/photos", {"photos": [make_photo()]}).status_code == 201
    assert client.delete(f"/api/visits/{visit_id}").status_code == 204
    assert not Visit.objects.exists()


# --- Visits: recording ------------------------------------------------------------------------


def test_it_records_a_visit_with_photos(client, chengfa_liaison, world):
    client.force_login(chengfa_liaison)
    r = client.post(
        "/api/visits",
        {
            "pairing": world["chengfa_pairing"].pk,
            "visited_on": "2023-05-02",
            "led_by_head": True,
            "leader_name": "张三",
            "participant_count": 6,
            "findings": "下水道淤堵",
            "photos": [{"name": "现场.jpg", "content_base64": _b64(make_photo(exif_gps=True))}],
        },
        content_type=JSON,
    )
    assert r.status_code == 201
    visit = r.json()
    assert visit["unit"]["short_name"] == "市城发集团"
    assert visit["community"]["name"] == "北岭社区"
    assert visit["created_by"] == "城发联络员"
    assert (visit["photo_count"], visit["participant_count"], visit["led_by_head"]) == (1, 6, True)
    [photo] = visit["photos"]
    assert photo["width"] == 64
    assert photo["url"] is None or photo["url"].endswith(f"/{photo['id']}/")

    more = client.post(
        f"/api/visits/{visit['id']}/photos", {"photos": [make_photo("a.png", "PNG"), make_photo("b.webp", "WEBP")]}
    )
    assert more.status_code == 201
    assert more.json()["photo_count"] == 3

    changed = client.patch(
        f"/api/visits/{visit['id']}", {"findings": "已疏通", "participant_count": 8}, content_type=JSON
    )
    assert changed.status_code == 200
    changed_visit = changed.json()
    assert (changed_visit["findings"], changed_visit["participant_count"], changed_visit["leader_name"]) == (
        "已疏通",
        8,
        "张三",
    )
    assert client.delete(f"/api/visits/{visit['id']}").status_code == 204
    assert not VisitPhoto.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (
            {"photos": [{"name": "fake.jpg", "content_base64": base64.b64encode(b"not an image").decode()}]},
            400,
            "photos",
        ),
        ({"photos": [{"name": "bad.jpg", "content_base64": "***not base64***"}]}, 400, "photos"),
        ({"visited_on": "2023-01-05"}, 400, "visited_on"),
        ({"visited_on": "2099-05-02"}, 400, "visited_on"),
        ({"participant_count": 501}, 422, "participant_count"),
        ({"pairing": 999999}, 400, "pairing"),
    ],
)
def test_it_writes_nothing_when_a_field_or_photo_is_bad(client, chengfa_liaison, world, change, status, field):
    client.force_login(chengfa_liaison)
    good_photo = {"name": "ok.jpg", "content_base64": _b64(make_photo())}
    data = {"pairing": world["chengfa_pairing"].pk, "visited_on": "2023-05-02", "photos": [good_photo]}
    r = client.post("/api/visits", {**data, **change}, content_type=JSON)
    assert r.status_code == status
    assert field in {e["field"] for e in r.json()["errors"]}
    assert not Visit.objects.exists()
    assert not VisitPhoto.objects.exists()


def test_it_adds_no_photo_when_one_upload_is_bad(client, chengfa_liaison, world):
    visit = _visit(world, chengfa_liaison)
    client.force_login(chengfa_liaison)
    fake = SimpleUploadedFile("fake.jpg", b"GIF89a not really", content_type="image/jpeg")
    r = client.post(f"/api/visits/{visit.pk}/photos", {"photos": [make_photo(), fake]})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "photos"
    assert "fake.jpg" in r.json()["errors"][0]["message"]
    assert not VisitPhoto.objects.exists()
    missing = client.post(f"/api/visits/{visit.pk}/photos", {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "photos"


def test_it_filters_visits(client, city_admin, chengfa_liaison, gongdian_liaison, world):
    _visit(world, chengfa_liaison, datetime.date(2023, 4, 27), led_by_head=True)
    _visit(world, chengfa_liaison, datetime.date(2023, 5, 8))
    _visit(world, gongdian_liaison, datetime.date(2023, 5, 10), pairing="gongdian_pairing")
    client.force_login(city_admin)

    def days(**params):
        r = client.get("/api/visits", params)
        assert r.status_code == 200, r.json()
        return [v["visited_on"] for v in r.json()["items"]]

    assert days() == ["2023-05-10", "2023-05-08", "2023-04-27"]
    assert days(unit=world["chengfa"].pk) == ["2023-05-08", "2023-04-27"]
    assert days(community=world["xianghua"].pk) == ["2023-05-10"]
    assert days(date_from="2023-05-01", date_to="2023-05-09") == ["2023-05-08"]
    assert days(led_by_head="true") == ["2023-04-27"]
    assert days(campaign=world["campaign"].pk, page_size=2, page=2) == ["2023-04-27"]
    assert days(campaign=999999) == []


def test_it_lists_visits_in_a_fixed_number_of_queries(client, chengfa_liaison, world, django_assert_max_num_queries):
    for day in range(1, 21):
        _visit(world, chengfa_liaison, datetime.date(2023, 5, day), photos=[make_photo()] if day % 2 else [])
    client.force_login(chengfa_liaison)
    # session, user, memberships, count, page of visits (and nothing per visit)
    with django_assert_max_num_queries(5):
        r = client.get("/api/visits", {"page_size": 20})
    assert r.json()["count"] == 20
    assert sum(v["photo_count"] for v in r.json()["items"]) == 10
