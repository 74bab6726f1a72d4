import datetime

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from gongjian.conftest import make_photo
from gongjian.core import policy
from gongjian.core.models import AuditEntry
from gongjian.pairings.models import Visit, VisitPhoto
from gongjian.pairings.selectors import campaign_progress, pairing_status_rows, visit_list, visits_per_week
from gongjian.pairings.services import visit_create, visit_update

pytestmark = pytest.mark.django_db


def _visit(world, user, day=datetime.date(2023, 5, 2), **kw):
    return visit_create(pairing=world["chengfa_pairing"], actor=user, visited_on=day, **kw)


def test_it_counts_units_that_visited_as_of_a_date(world, chengfa_liaison, gongdian_liaison):
    _visit(world, chengfa_liaison, datetime.date(2023, 4, 27), led_by_head=True)
    _visit(world, chengfa_liaison, datetime.date(2023, 5, 8))
    visit_create(pairing=world["gongdian_pairing"], actor=gongdian_liaison, visited_on=datetime.date(2023, 5, 10))
    campaign = world["campaign"]
    before = campaign_progress(campaign=campaign, as_of=datetime.date(2023, 4, 26))
    assert (before.visited_units, before.paired_units, before.visits) == (0, 2, 0)
    may9 = campaign_progress(campaign=campaign, as_of=datetime.date(2023, 5, 9))
    assert (may9.visited_units, may9.head_led_units, may9.visits) == (1, 1, 2)
    assert may9.percent == "50.0%"
    later = campaign_progress(campaign=campaign, as_of=datetime.date(2023, 6, 1))
    assert (later.visited_units, later.visits) == (2, 3)


def test_it_buckets_visits_by_iso_week_including_empty_weeks(world, chengfa_liaison):
    _visit(world, chengfa_liaison, datetime.date(2023, 4, 27))  # Thu, week of Mon 04-24
    _visit(world, chengfa_liaison, datetime.date(2023, 4, 30))  # Sun, same week
    _visit(world, chengfa_liaison, datetime.date(2023, 5, 9))  # Tue, week of 05-08
    weeks = visits_per_week(campaign=world["campaign"], as_of=datetime.date(2023, 5, 10))
    assert weeks == [
        (datetime.date(2023, 4, 24), 2),
        (datetime.date(2023, 5, 1), 0),
        (datetime.date(2023, 5, 8), 1),
    ]


def test_it_refuses_a_visit_outside_the_campaign_or_in_the_future(world, chengfa_liaison):
    with pytest.raises(ValidationError) as exc:
        _visit(world, chengfa_liaison, datetime.date(2023, 1, 5))
    assert "visited_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _visit(world, chengfa_liaison, datetime.date(2099, 1, 5))
    assert "visited_on" in exc.value.message_dict
    assert Visit.objects.count() == 0


def test_it_writes_nothing_when_one_photo_is_bad(world, chengfa_liaison):
    bad = make_photo("notes.jpg")
    bad.file.write(b"")  # keep a valid one first, then a text file dressed as an image
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("fake.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        _visit(world, chengfa_liaison, photos=[make_photo(), fake])
    assert "photos" in exc.value.message_dict
    assert Visit.objects.count() == 0
    assert VisitPhoto.objects.count() == 0


def test_it_strips_location_metadata_from_photos(world, chengfa_liaison):
    visit = _visit(world, chengfa_liaison, photos=[make_photo(exif_gps=True, size=(3000, 1000))])
    stored = visit.photos.get()
    with Image.open(stored.image.path) as img:
        assert max(img.size) == 2048
        assert not img.getexif()


def test_it_scopes_visits_to_the_unit_and_the_community(
    world, chengfa_liaison, gongdian_liaison, beiling_grid_worker, resident, city_admin
):
    visit = _visit(world, chengfa_liaison)
    assert list(visit_list(user=chengfa_liaison)) == [visit]
    assert list(visit_list(user=gongdian_liaison)) == []
    assert list(visit_list(user=beiling_grid_worker)) == [visit]
    assert list(visit_list(user=resident)) == []
    assert list(visit_list(user=city_admin)) == [visit]
    assert policy.can(chengfa_liaison, policy.CHANGE, visit)
    assert not policy.can(gongdian_liaison, policy.CHANGE, visit)
    assert not policy.can(beiling_grid_worker, policy.CHANGE, visit)
    rows = pairing_status_rows(user=gongdian_liaison, campaign=world["campaign"], as_of=datetime.date(2023, 6, 1))
    assert [r.unit.short_name for r in rows] == ["国网株洲供电公司"]


def test_it_audits_who_changed_what(world, chengfa_liaison):
    from gongjian.core import audit

    with audit.context(actor=chengfa_liaison, remote_addr="10.1.2.3", request_id="abc"):
        visit = _visit(world, chengfa_liaison, findings="下水道淤堵")
        visit_update(visit=visit, findings="下水道淤堵，化粪池满溢")
    entries = AuditEntry.objects.filter(object_id=str(visit.pk), content_type__model="visit").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    update = entries[1]
    assert update.changes == {"findings": ["下水道淤堵", "下水道淤堵，化粪池满溢"]}
    assert (update.actor, update.remote_addr, update.request_id) == (chengfa_liaison, "10.1.2.3", "abc")


def test_it_refuses_oversized_photos_and_sheets(world, chengfa_liaison, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongjian.core.uploads import check_sheet

    settings.MAX_PHOTO_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        _visit(world, chengfa_liaison, photos=[make_photo(size=(800, 800))])
    assert "照片不能超过" in exc.value.message_dict["photos"][0]
    assert Visit.objects.count() == 0
    settings.MAX_SHEET_BYTES = 10
    with pytest.raises(ValidationError, match="文件不能超过"):
        check_sheet(SimpleUploadedFile("places.csv", b"a" * 11))
    with pytest.raises(ValidationError, match=r"\.xlsx"):
        check_sheet(SimpleUploadedFile("places.xls", b"a"))
