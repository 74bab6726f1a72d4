"""case_report: what a report needs, what it derives, and that bad input stores nothing."""

import os
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongjian.cases.models import Case, CaseEvent, CasePhoto
from gongjian.cases.selectors import case_by_follow_token, case_public_url, public_cases
from gongjian.cases.services import case_report
from gongjian.conftest import make_photo

pytestmark = pytest.mark.django_db


def _files() -> list[str]:
    root = settings.MEDIA_ROOT
    return [os.path.join(d, f) for d, _dirs, fs in os.walk(root) for f in fs] if os.path.isdir(root) else []


def _report(**kwargs: Any) -> Case:
    base: dict[str, Any] = {"description": "井盖不见了", "source": Case.Source.PUBLIC}
    return case_report(**{**base, **kwargs})


def test_it_files_a_case_with_a_number_deadline_and_timeline(reported: Case) -> None:
    assert re.fullmatch(r"ZZ\d{8}\d{5}", reported.number)
    assert reported.status == Case.Status.REPORTED
    assert reported.community.name == "北岭社区"
    assert reported.district is not None and reported.district.name == "石峰区"
    assert (reported.due_at - reported.created_at).total_seconds() == 72 * 3600
    assert reported.lat == Decimal("27.885600")  # the estate's coordinates
    assert [e.kind for e in reported.events.all()] == [CaseEvent.Kind.REPORTED]
    assert case_by_follow_token(reported.follow_token) == reported  # type: ignore[attr-defined]
    assert reported.follow_token_hash != reported.follow_token  # type: ignore[attr-defined]


def test_it_numbers_cases_in_sequence(located: dict[str, Any], categories: dict[str, Any]) -> None:
    a = _report(category=categories["sewer"], place=located["beiling"])
    b = _report(category="sewer", place=located["beiling"])
    assert int(b.number[-5:]) == int(a.number[-5:]) + 1


def test_it_derives_the_place_from_coordinates(located: dict[str, Any], categories: dict[str, Any]) -> None:
    case = _report(category=categories["sewer"], lat="27.8857", lng="113.1255")
    assert case.place == located["xinyuan"]
    assert case.community == located["beiling"]
    assert case.lat == Decimal("27.885700")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "place"),
        ({"lat": "91", "lng": "113"}, "lat"),
        ({"lat": "40.7", "lng": "-74.0"}, "lng"),
        ({"lat": "27.8", "lng": "200"}, "lng"),
        ({"lat": "abc", "lng": "113"}, "lat"),
        ({"lat": "27.88"}, "lng"),
        ({"description": "x" * 4001, "place_key": "beiling"}, "description"),
        ({"description": "  ", "place_key": "beiling"}, "description"),
        ({"category": "nope", "place_key": "beiling"}, "category"),
        ({"category": "old", "place_key": "beiling"}, "category"),
        ({"place_key": "shifeng"}, "place"),
        ({"reporter_phone": "call me", "place_key": "beiling"}, "reporter_phone"),
        ({"reporter_email": "not-an-email", "place_key": "beiling"}, "reporter_email"),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(
    located: dict[str, Any], categories: dict[str, Any], kwargs: dict[str, Any], field: str
) -> None:
    kwargs = dict(kwargs)
    key = kwargs.pop("place_key", None)
    if key:
        kwargs["place"] = located[key]
    kwargs.setdefault("category", categories["sewer"])
    with pytest.raises(ValidationError) as exc:
        _report(photos=[make_photo()], **kwargs)
    assert field in exc.value.message_dict
    assert Case.objects.count() == 0
    assert CasePhoto.objects.count() == 0
    assert _files() == []


def test_it_refuses_a_non_image_and_too_many_photos(located: dict[str, Any], categories: dict[str, Any]) -> None:
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        _report(category="sewer", place=located["beiling"], photos=[make_photo(), fake])
    assert "photos" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _report(category="sewer", place=located["beiling"], photos=[make_photo(f"{i}.jpg") for i in range(7)])
    assert "photos" in exc.value.message_dict
    assert Case.objects.count() == 0 and _files() == []


def test_it_refuses_an_oversized_photo(located: dict[str, Any], categories: dict[str, Any], settings: Any) -> None:
    settings.MAX_PHOTO_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        _report(category="sewer", place=located["beiling"], photos=[make_photo(size=(800, 600))])
    assert "photos" in exc.value.message_dict
    assert _files() == []


def test_it_stores_photos_without_location(located: dict[str, Any], categories: dict[str, Any]) -> None:
    case = _report(category="sewer", place=located["beiling"], photos=[make_photo(exif_gps=True)])
    photo = case.photos.get()
    assert photo.stage == CasePhoto.Stage.BEFORE
    with Image.open(photo.image.path) as img:
        assert not img.getexif()


def test_it_removes_written_photos_when_the_transaction_fails(
    located: dict[str, Any], categories: dict[str, Any], monkeypatch: Any
) -> None:
    from gongjian.cases import services

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record_event", boom)
    with pytest.raises(RuntimeError):
        _report(category="sewer", place=located["beiling"], photos=[make_photo()])
    assert Case.objects.count() == 0 and _files() == []


def test_public_cases_leave_out_private_categories_and_merged(
    located: dict[str, Any], categories: dict[str, Any]
) -> None:
    shown = _report(category="sewer", place=located["beiling"])
    _report(category="neighbourhood", place=located["beiling"])
    assert list(public_cases()) == [shown]
    assert case_public_url(shown).endswith(f"/{shown.number}/")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_number_is_taken_on_its_own(
    located: dict[str, Any], categories: dict[str, Any]
) -> None:
    a = _report(category="sewer", place=located["beiling"])
    with pytest.raises(ValidationError):
        _report(category="sewer", place=located["beiling"], photos=[make_photo(f"{i}.jpg") for i in range(7)])
    b = _report(category="sewer", lat="27.8857", lng="113.1255")
    assert int(b.number[-5:]) == int(a.number[-5:]) + 1  # a refused report takes no number
    assert b.place == located["xinyuan"]


@pytest.mark.django_db(transaction=True)
def test_a_report_outside_any_transaction_writes_everything_at_once_and_mails_after(
    located: dict[str, Any], categories: dict[str, Any], beiling_staff: Any, mailoutbox: list[Any]
) -> None:
    """The path a public report takes in production (no surrounding transaction): on PostgreSQL the
    case, its timeline, audit entry and the staff's notifications go in one statement with no
    BEGIN or COMMIT; the email goes after they are written and marks its notification."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongjian.core.models import AuditEntry, Notification

    type(beiling_staff).objects.filter(pk=beiling_staff.pk).update(email="staff@beiling.example")
    with CaptureQueriesContext(connection) as queries:
        case = case_report(
            category=categories["sewer"], description="门口下水道堵了", place=located["xinyuan"], source="public"
        )
    assert CaseEvent.objects.filter(case=case, kind="reported").count() == 1
    assert AuditEntry.objects.filter(event="cases.reported", object_id=str(case.pk), object_repr=case.number).exists()
    note = Notification.objects.get(recipient=beiling_staff, kind="cases.reported")
    assert case.number in note.title and note.emailed
    assert [m.to for m in mailoutbox] == [["staff@beiling.example"]]
    if connection.vendor == "postgresql":
        writes = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
        assert len(writes) == 2  # the day's number (and the case's id), then everything else
        assert all(t in writes[1] for t in ("cases_case", "cases_caseevent", "core_auditentry", "core_notification"))
        assert not any(q["sql"] in ("BEGIN", "COMMIT") for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_numbers_unhurried_commit_never_reaches_the_report_or_a_callers_transaction(
    located: dict[str, Any], categories: dict[str, Any]
) -> None:
    """On PostgreSQL a number taken on its own commits without waiting for the disk (the report's
    own commit, later in the log, makes it durable). That setting must end with the number's
    statement: the report's write, a caller's transaction and the next request commit as always."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite takes the number inside the report's transaction")

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    assert setting() == "on"
    case_report(category=categories["sewer"], description="门口下水道堵了", place=located["xinyuan"], source="public")
    assert setting() == "on"
    with transaction.atomic():
        case = case_report(
            category=categories["sewer"], description="井盖松了", place=located["xinyuan"], source="public"
        )
        assert setting() == "on"  # a caller's transaction keeps its synchronous commit
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_follow_path_is_the_reversed_one_under_any_script_prefix() -> None:
    from django.urls import reverse, set_script_prefix

    from gongjian.cases.services import follow_path, follow_token_new

    token = follow_token_new()
    assert follow_path(token) == reverse("cases:follow", args=[token]) == f"/cases/follow/{token}/"
    odd = "a b%2F"  # not as follow_token_new makes them: reversed (and quoted) as before
    assert follow_path(odd) == reverse("cases:follow", args=[odd])
    set_script_prefix("/gongjian/")
    try:
        assert follow_path(token) == reverse("cases:follow", args=[token]) == f"/gongjian/cases/follow/{token}/"
    finally:
        set_script_prefix("/")
    assert follow_path(token) == f"/cases/follow/{token}/"
