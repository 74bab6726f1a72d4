"""The JSON API: activities, sign-up and cancel with waitlist promotion, masked people, compliance, scopes."""

import json

import pytest
import time_machine

from gongjian.volunteers.models import Signup, Volunteer
from gongjian.volunteers.tests.conftest import at, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def before():
    with time_machine.travel(at(19, 12), tick=False):
        yield


def test_it_lists_activities_to_anyone_signed_in(client, activity, resident):
    assert client.get("/api/volunteers/activities").status_code == 401
    client.force_login(resident)
    body = client.get("/api/volunteers/activities").json()
    assert body["count"] == 1 and body["items"][0]["title"] == "北岭社区文明实践微服务"
    assert body["items"][0]["organiser"] == "市城发集团"


def test_a_volunteer_signs_up_and_cancels_and_the_waitlist_moves(
    client, activity, volunteer, volunteer_user, world, before
):
    others = [make_volunteer(f"人{i}", f"1370733100{i}") for i in range(2)]
    from gongjian.volunteers.services import signup_create

    for v in others:
        signup_create(activity=activity, volunteer=v, actor=None)
    client.force_login(volunteer_user)
    response = client.post(f"/api/volunteers/activities/{activity.pk}/signup")
    assert response.status_code == 201 and response.json()["status"] == "waitlisted"
    again = client.post(f"/api/volunteers/activities/{activity.pk}/signup")
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "volunteer"
    # 人0 cancels through the organiser; 李志愿 moves up.
    from gongjian.volunteers.services import signup_cancel

    signup_cancel(signup=Signup.objects.get(volunteer=others[0]), actor=None)
    assert Signup.objects.get(volunteer=volunteer).status == "confirmed"
    mine = Signup.objects.get(volunteer=volunteer)
    cancelled = client.post(f"/api/volunteers/signups/{mine.pk}/cancel")
    assert cancelled.status_code == 200
    assert Signup.objects.get(pk=mine.pk).status == "cancelled"


def test_someone_elses_signup_cannot_be_cancelled(client, activity, volunteer, gongdian_liaison, before):
    from gongjian.volunteers.services import signup_create

    signup = signup_create(activity=activity, volunteer=volunteer, actor=None)
    client.force_login(gongdian_liaison)
    assert client.post(f"/api/volunteers/signups/{signup.pk}/cancel").status_code == 404
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"


def test_people_are_masked_and_scoped(client, volunteer, gongdian_member, chengfa_liaison, gongdian_liaison):
    client.force_login(chengfa_liaison)
    body = client.get("/api/volunteers/people").json()
    assert [p["name"] for p in body["items"]] == ["李志愿"]
    assert body["items"][0]["phone"] == "138****0001" and "13807330001" not in json.dumps(body)
    client.force_login(gongdian_liaison)
    assert [p["name"] for p in client.get("/api/volunteers/people").json()["items"]] == ["王供电"]


def test_compliance_for_a_month(client, volunteer, gongdian_member, city_admin, chengfa_liaison):
    Volunteer.objects.update(created_at=at(1, 9, month=4))
    client.force_login(city_admin)
    body = client.get("/api/volunteers/compliance?month=2023-05").json()
    assert (body["members"], body["served"], len(body["rows"])) == (2, 0, 2)
    bad = client.get("/api/volunteers/compliance?month=2023-13")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "month"
    client.force_login(chengfa_liaison)
    assert [r["name"] for r in client.get("/api/volunteers/compliance?month=2023-05").json()["rows"]] == ["市城发集团"]
