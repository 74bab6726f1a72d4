"""The demo's volunteer part, the scorecard part, and who organises what."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongjian.accounts.models import User
from gongjian.core.scorecard import parts
from gongjian.pairings.models import Campaign
from gongjian.volunteers.models import ServiceRecord, Volunteer
from gongjian.volunteers.scores import campaign_months, party_service
from gongjian.volunteers.selectors import compliance_by, compliance_total
from gongjian.volunteers.tests.conftest import TZ, at, make_volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_has_volunteers_a_month_of_activities_and_partial_compliance(settings, django_assert_max_num_queries):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    admin = User.objects.get(username="wenmingban")
    total = compliance_total(compliance_by(user=admin, month=datetime.date(2023, 5, 1)))
    assert 0 < total.served < total.members
    demo = Volunteer.objects.get(user__username="volunteer")
    assert demo.is_party_member and demo.unit.short_name == "市城发集团"
    assert User.objects.get(username="volunteer").check_password("demo-pass-2023")
    assert Volunteer.objects.filter(unit__short_name="市城发集团", is_party_member=True).count() >= 5
    assert ServiceRecord.objects.filter(status="approved", checked_in_at__month=5).exists()
    assert ServiceRecord.objects.filter(status="declined").exclude(decline_reason="").exists()


def test_the_scorecard_part_is_the_members_monthly_compliance(world, city_admin):
    part = {p.key: p for p in parts()}["volunteers.party_service"]
    assert part.default_weight == Decimal("15")
    campaign = Campaign.objects.get(year=2023)
    assert campaign_months(campaign, today=datetime.date(2023, 6, 15)) == [
        datetime.date(2023, 4, 1),
        datetime.date(2023, 5, 1),
        datetime.date(2023, 6, 1),
    ]
    a = make_volunteer("甲", "13800000001", unit=world["chengfa"], party=True)
    make_volunteer("乙", "13800000002", unit=world["chengfa"], party=True)
    Volunteer.objects.update(created_at=datetime.datetime(2023, 4, 1, tzinfo=TZ))
    ServiceRecord.objects.create(
        volunteer=a,
        community=world["beiling"],
        checked_in_at=at(5, 9),
        checked_out_at=at(5, 10),
        check_in_method="organiser",
        status="approved",
        hours="1.00",
    )
    values = party_service(campaign)
    chengfa = values[world["chengfa"].pk]
    # Apr..Dec 2023 (the campaign is over): 9 months x 2 members, served once in May.
    assert chengfa.raw == 1 and chengfa.ratio == pytest.approx(1 / 18) and "9 个月" in chengfa.detail
    assert world["gongdian"].pk not in values


def test_community_staff_organise_activities_held_in_their_community(client, activity, beiling_staff, gongdian_liaison):
    client.force_login(beiling_staff)
    assert "报名与候补" in client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text
    assert client.get(reverse("volunteers:activity-qr", args=[activity.pk])).status_code == 200
    client.force_login(gongdian_liaison)
    assert "报名与候补" not in client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text


def test_the_reminder_task_runs_the_same_service(volunteer, chengfa_liaison, settings):
    import time_machine

    from gongjian.core.models import Notification
    from gongjian.volunteers.reminders import send_reminders

    Volunteer.objects.update(created_at=datetime.datetime(2023, 4, 1, tzinfo=TZ))
    with time_machine.travel(at(30, 10), tick=False):
        result = send_reminders.enqueue()
    assert result.return_value == "2023-05: 1 members, 1 units"
    assert Notification.objects.count() == 2


def test_the_demo_has_activities_to_sign_up_for_and_one_under_way(settings, client):
    """Loaded on any day, the public list is not empty: an activity under way (its code scans), one
    with places, one full with a waitlist."""
    from gongjian.volunteers.models import Activity, Signup

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    page = client.get(reverse("volunteers:activity-list")).text
    assert "北岭社区创文攻坚周文明劝导值守" in page and "湘华社区楼道杂物清理" in page
    full = Activity.objects.get(title="北岭社区关爱独居老人上门服务")
    assert full.signups.filter(status=Signup.Status.CONFIRMED).count() == full.capacity == 3
    assert full.signups.filter(status=Signup.Status.WAITLISTED).count() == 2
    under_way = Activity.objects.get(title="北岭社区创文攻坚周文明劝导值守")
    assert under_way.records.filter(status="open").count() == 3
    client.force_login(User.objects.get(username="volunteer"))
    from django.utils import timezone

    from gongjian.volunteers import checkin

    token = checkin.token_for(under_way.pk, timezone.now())
    done = client.post(reverse("volunteers:scan", args=[under_way.pk]), {"t": token})
    assert "签到成功" in done.text
