"""Reminders in the last week of the month: to members who have not served and their liaisons, once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from gongjian.core.models import Notification
from gongjian.volunteers.models import ComplianceReminder, Volunteer
from gongjian.volunteers.reminders import reminders_send
from gongjian.volunteers.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(volunteer, gongdian_member):
    Volunteer.objects.update(created_at=at(1, 9, month=4))


def test_it_sends_nothing_before_the_last_week(registered, chengfa_liaison):
    result = reminders_send(today=datetime.date(2023, 5, 20))
    assert not result.in_window and not Notification.objects.exists()


def test_it_reminds_members_and_their_liaisons_once(
    registered, volunteer_user, chengfa_liaison, gongdian_liaison, django_capture_on_commit_callbacks
):
    volunteer_user.email = "li@example.com"
    volunteer_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_send(today=datetime.date(2023, 5, 25))
    assert (result.volunteers, result.units) == (2, 2)
    assert Notification.objects.filter(recipient=volunteer_user, kind="volunteers.remind_member").count() == 1
    liaison_note = Notification.objects.get(recipient=chengfa_liaison)
    assert "1 名在职党员" in liaison_note.title and "市城发集团" in liaison_note.title
    assert Notification.objects.filter(recipient=gongdian_liaison).count() == 1
    assert [m.to for m in mail.outbox] == [["li@example.com"]]
    again = reminders_send(today=datetime.date(2023, 5, 31))
    assert (again.volunteers, again.units) == (0, 0)
    assert Notification.objects.count() == 3 and ComplianceReminder.objects.count() == 4


def test_the_command_runs_for_a_given_day(registered, chengfa_liaison):
    out = StringIO()
    call_command("volunteers_remind", "--today", "2023-05-29", stdout=out)
    assert "reminded 2 members and 2 units" in out.getvalue()
