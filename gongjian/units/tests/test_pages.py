import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_shows_a_units_liaisons_only_to_the_unit_and_the_city_admin(
    client, world, chengfa_liaison, gongdian_liaison, city_admin
):
    url = reverse("units:detail", args=[world["chengfa"].pk])
    for user, sees in ((chengfa_liaison, True), (city_admin, True), (gongdian_liaison, False)):
        client.force_login(user)
        response = client.get(url)
        assert (response.context["liaisons"] is not None) is sees
        assert ("城发联络员" in response.content.decode()) is sees


def test_it_offers_only_units_whose_visits_the_user_may_see_in_the_visit_filter(
    client, world, gongdian_liaison, beiling_grid_worker
):
    client.force_login(gongdian_liaison)
    units = client.get(reverse("pairings:visit-list")).context["form"].fields["unit"].queryset
    assert list(units) == [world["gongdian"]]
    client.force_login(beiling_grid_worker)
    units = client.get(reverse("pairings:visit-list")).context["form"].fields["unit"].queryset
    assert list(units) == [world["chengfa"]]
