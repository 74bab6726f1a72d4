import pytest
from django.core import mail
from django.urls import reverse

from gongjian.core.models import Notification
from gongjian.core.notify import notify, unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(chengfa_liaison, gongdian_liaison):
    chengfa_liaison.email = "chengfa@example.cn"
    chengfa_liaison.save(update_fields=["email"])
    return chengfa_liaison


def test_it_notifies_each_person_once_in_the_app_and_by_email(
    addressed, gongdian_liaison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            [addressed, gongdian_liaison, addressed, None],
            kind="cases.dispatched",
            title="新诉求派遣给你单位",
            body="田心路下水道堵塞",
            url="/cases/1/",
        )
    assert len(rows) == 2
    assert unread_count(addressed) == 1 and unread_count(gongdian_liaison) == 1
    # Only the person with an address gets mail, and the mail links back to the site.
    assert [m.to for m in mail.outbox] == [["chengfa@example.cn"]]
    assert mail.outbox[0].subject == "新诉求派遣给你单位"
    assert "/cases/1/" in mail.outbox[0].body
    assert Notification.objects.get(recipient=addressed).emailed is True


def test_it_sends_no_mail_when_the_work_is_rolled_back(addressed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([addressed], kind="x", title="t")
    assert len(callbacks) == 1 and mail.outbox == []


def test_it_skips_inactive_people(addressed):
    addressed.is_active = False
    addressed.save(update_fields=["is_active"])
    assert notify([addressed], kind="x", title="t") == []


def test_a_person_reads_only_their_own_notifications(client, addressed, gongdian_liaison):
    mine = notify([addressed], kind="x", title="你的通知", url="/cases/1/", email=False)[0]
    theirs = notify([gongdian_liaison], kind="x", title="别人的通知", email=False)[0]
    client.force_login(addressed)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "你的通知" in page and "别人的通知" not in page
    assert 'data-testid="bell"' in page and '<span class="badge">1</span>' in page
    # Opening one marks it read and follows its link; another person's is not there at all.
    response = client.post(reverse("core:notification-open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("core:notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Opening needs POST (so a link in a page cannot mark things read behind the user's back).
    assert client.get(reverse("core:notification-open", args=[mine.pk])).status_code == 405


def test_it_never_redirects_off_site(client, addressed):
    note = notify([addressed], kind="x", title="t", url="https://evil.example/phish", email=False)[0]
    client.force_login(addressed)
    response = client.post(reverse("core:notification-open", args=[note.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_mark_all_read(client, addressed):
    notify([addressed], kind="x", title="a", email=False)
    notify([addressed], kind="x", title="b", email=False)
    client.force_login(addressed)
    client.post(reverse("core:notifications-read-all"))
    assert unread_count(addressed) == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
