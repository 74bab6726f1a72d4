import datetime

import pytest
import time_machine
from django.urls import reverse

from gongjian.conftest import make_photo
from gongjian.pairings.models import Pairing, Visit
from gongjian.pairings.services import visit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chengfa_visit(world, chengfa_liaison):
    return visit_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        visited_on=datetime.date(2023, 5, 2),
        findings="田心路沿线下水道淤堵",
        photos=[make_photo()],
    )


def _form(**overrides):
    data = {
        "visited_on": "2023-05-08",
        "led_by_head": "on",
        "leader_name": "张三",
        "participants": "张三、李四",
        "participant_count": "2",
        "findings": "垃圾中转站臭气熏天",
        "actions": "共商共建计划",
    }
    data.update(overrides)
    return data


@time_machine.travel(datetime.datetime(2023, 5, 9, 12, tzinfo=datetime.UTC))
def test_it_lets_a_liaison_record_a_visit_with_photos(client, world, chengfa_liaison):
    client.force_login(chengfa_liaison)
    page = client.get(reverse("pairings:visit-create"))
    assert page.status_code == 200
    # Only the liaison's own pairing is offered.
    assert "北岭社区" in page.content.decode() and "湘华社区" not in page.content.decode()
    response = client.post(
        reverse("pairings:visit-create"),
        _form(pairing=world["chengfa_pairing"].pk, photos=[make_photo("a.jpg"), make_photo("b.png", "PNG")]),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.led_by_head and visit.created_by == chengfa_liaison and visit.photos.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "垃圾中转站臭气熏天" in detail


@time_machine.travel(datetime.datetime(2023, 5, 9, 12, tzinfo=datetime.UTC))
def test_it_names_the_bad_field_and_writes_nothing(client, world, chengfa_liaison):
    client.force_login(chengfa_liaison)
    pk = world["chengfa_pairing"].pk
    cases = [
        (_form(pairing=pk, visited_on="2023-13-45"), "走访日期"),
        (_form(pairing=pk, visited_on="2023-06-01"), "走访日期不能晚于今天"),
        (_form(pairing=pk, participant_count="0"), "参加人数"),
        (_form(pairing=pk, findings="x" * 4001), "了解到的问题"),
        (
            _form(
                pairing=pk,
                photos=[make_photo(), make_photo("x.gif", "PNG").__class__("x.jpg", b"GIF89a....", "image/jpeg")],
            ),
            "照片",
        ),
    ]
    for data, expected in cases:
        response = client.post(reverse("pairings:visit-create"), data)
        assert response.status_code == 200, expected
        assert expected in response.content.decode(), expected
    assert Visit.objects.count() == 0


def test_it_refuses_a_visit_on_another_units_pairing(client, world, gongdian_liaison):
    client.force_login(gongdian_liaison)
    response = client.post(reverse("pairings:visit-create"), _form(pairing=world["chengfa_pairing"].pk))
    assert response.status_code == 200  # the choice is not offered: a field error
    assert "pairing" in response.context["form"].errors
    assert Visit.objects.count() == 0


def test_it_keeps_a_units_visits_from_another_units_liaison(client, chengfa_visit, gongdian_liaison):
    client.force_login(gongdian_liaison)
    photo = chengfa_visit.photos.get()
    assert client.get(reverse("pairings:visit-detail", args=[chengfa_visit.pk])).status_code == 404
    assert client.get(reverse("pairings:visit-edit", args=[chengfa_visit.pk])).status_code == 404
    assert client.post(reverse("pairings:visit-edit", args=[chengfa_visit.pk]), _form()).status_code == 404
    assert client.post(reverse("pairings:visit-delete", args=[chengfa_visit.pk])).status_code == 404
    assert client.get(reverse("pairings:visit-photo", args=[photo.pk])).status_code == 404
    assert "田心路" not in client.get(reverse("pairings:visit-list")).content.decode()
    chengfa_visit.refresh_from_db()
    assert chengfa_visit.findings == "田心路沿线下水道淤堵"


def test_it_shows_the_grid_worker_their_communitys_visits_read_only(client, chengfa_visit, beiling_grid_worker):
    client.force_login(beiling_grid_worker)
    assert client.get(reverse("pairings:visit-detail", args=[chengfa_visit.pk])).status_code == 200
    assert client.get(reverse("pairings:visit-photo", args=[chengfa_visit.photos.get().pk])).status_code == 200
    assert client.get(reverse("pairings:visit-edit", args=[chengfa_visit.pk])).status_code == 403
    assert client.get(reverse("pairings:visit-create")).status_code == 403


def test_it_serves_photos_only_to_those_in_scope(client, chengfa_visit, chengfa_liaison, resident):
    url = reverse("pairings:visit-photo", args=[chengfa_visit.photos.get().pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(chengfa_liaison)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_it_shows_progress_as_of_any_date(client, world, chengfa_visit, city_admin):
    client.force_login(city_admin)
    url = reverse("pairings:campaign-detail", args=[world["campaign"].pk])
    before = client.get(url, {"as_of": "2023-05-01"})
    assert before.context["progress"].visited_units == 0
    after = client.get(url, {"as_of": "2023-05-09"})
    assert after.context["progress"].visited_units == 1
    assert "1 / 2" in after.content.decode()
    not_yet = client.get(url, {"as_of": "2023-05-09", "status": "not_visited"})
    assert [r.unit.short_name for r in not_yet.context["rows"]] == ["国网株洲供电公司"]
    bad = client.get(url, {"as_of": "not-a-date"})
    assert bad.status_code == 200 and "截至日期" in bad.content.decode()


def test_it_lists_only_the_pairings_a_liaison_may_see_on_the_campaign_page(
    client, world, chengfa_visit, gongdian_liaison
):
    client.force_login(gongdian_liaison)
    response = client.get(reverse("pairings:campaign-detail", args=[world["campaign"].pk]), {"as_of": "2023-06-01"})
    rows = list(response.context["rows"])
    assert [r.unit.name for r in rows] == ["国网株洲供电公司"]
    # The campaign-wide total is public to signed-in users; who visited is not.
    assert response.context["progress"].visited_units == 1


def test_it_pins_the_query_count_of_the_campaign_page(
    client, world, chengfa_visit, city_admin, django_assert_max_num_queries
):
    client.force_login(city_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("pairings:campaign-detail", args=[world["campaign"].pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("pairings:visit-list"))


def test_it_lets_only_the_city_admin_pair_units(client, world, city_admin, chengfa_liaison):
    from gongjian.units.services import unit_create

    finance = unit_create(name="株洲市财政局", short_name="市财政局", kind="city_department")
    url = reverse("pairings:pairing-create", args=[world["campaign"].pk])
    client.force_login(chengfa_liaison)
    assert client.post(url, {"unit": finance.pk, "community": world["beiling"].pk}).status_code == 403
    client.force_login(city_admin)
    # A unit already paired this campaign is not offered again.
    again = client.post(url, {"unit": world["chengfa"].pk, "community": world["xianghua"].pk})
    assert again.status_code == 200 and "unit" in again.context["form"].errors
    assert client.post(url, {"unit": finance.pk, "community": world["beiling"].pk}).status_code == 302
    assert Pairing.objects.filter(unit=finance, community=world["beiling"]).exists()
