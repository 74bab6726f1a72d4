import datetime

import pytest
from django.urls import reverse

from gongjian.core.figures import registered_keys
from gongjian.pairings.services import visit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(world, chengfa_liaison, gongdian_liaison):
    for day in (2, 9, 16):
        visit_create(pairing=world["chengfa_pairing"], actor=chengfa_liaison, visited_on=datetime.date(2023, 5, day))
    visit_create(pairing=world["gongdian_pairing"], actor=gongdian_liaison, visited_on=datetime.date(2023, 5, 10))


def test_it_shows_every_figure_to_the_city_admin_as_of_a_date(client, visits, city_admin):
    client.force_login(city_admin)
    response = client.get(reverse("core:dashboard"), {"as_of": "2023-05-09"})
    figures = {f.key: f for f in response.context["figures"]}
    # Other apps add their own figures; these are the foundation's, in their order.
    foundation = [k for k in figures if k.split(".")[0] in ("pairings", "places")]
    assert foundation == ["pairings.progress", "pairings.visits_per_week", "places.communities"]
    assert figures["pairings.progress"].value == "1 / 2"
    assert figures["pairings.visits_per_week"].value == "2"
    # The charts travel as JSON for the static script, never as inline script.
    html = response.content.decode()
    assert 'id="pairings.progress" type="application/json"' in html
    assert "<script>" not in html


def test_it_leaves_out_admin_figures_for_a_liaison(client, visits, chengfa_liaison):
    client.force_login(chengfa_liaison)
    keys = [f.key for f in client.get(reverse("core:dashboard")).context["figures"]]
    assert "places.communities" not in keys and "pairings.progress" in keys


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("units:list", 10),
        ("places:tree", 10),
        ("core:audit", 12),
        ("pairings:campaign-list", 12),
    ],
)
def test_it_pins_the_query_count_of_list_pages(client, visits, city_admin, django_assert_max_num_queries, name, limit):
    client.force_login(city_admin)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name)).status_code == 200


def test_it_bounds_the_dashboard_queries_by_figure_not_by_rows(
    client, visits, city_admin, django_assert_max_num_queries
):
    # Each figure may take a few aggregate queries, never one per unit, visit or case.
    client.force_login(city_admin)
    with django_assert_max_num_queries(8 + 4 * len(registered_keys())):
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_it_answers_unknown_api_paths_in_the_api_error_shape(client, world):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "接口不存在。", "errors": []}


def test_it_explains_a_refusal_in_chinese(client, resident):
    client.force_login(resident)
    response = client.get(reverse("core:audit"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_the_public_home_leads_residents_to_what_they_can_do(client, world):
    page = client.get("/").content.decode()
    for name in ("cases:report", "cases:public-list", "volunteers:activity-list", "rolemodels:index"):
        assert f'href="{reverse(name)}"' in page.split('id="for-residents"', 1)[1], name
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "For residents" in english and "Report a problem" in english


def test_the_favicon_asked_for_by_every_browser_leads_to_the_site_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("gongjian/favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("gongjian/favicon.svg")  # the file the redirect names is there to serve
