"""The pages: the public report without an account, the private follow link, the public list and
map without reporter identity, and the staff pages each role may use."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.accounts.models import User
from gongjian.cases.models import Case
from gongjian.cases.services import case_accept, case_dispatch, case_report, case_resolve, case_verify
from gongjian.conftest import make_photo

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _form(located: dict[str, Any], categories: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "category": categories["sewer"].pk,
        "place": located["xinyuan"].pk,
        "address": "新苑小区3栋旁",
        "description": "下水道堵塞，污水漫到路面。",
        "reporter_name": "李先生",
        "reporter_phone": "13900000002",
        **extra,
    }


def test_it_takes_a_public_report_without_an_account(located: dict[str, Any], categories: dict[str, Any]) -> None:
    c = _client()
    assert c.get(reverse("cases:report")).status_code == 200
    response = c.post(reverse("cases:report"), _form(located, categories, photos=[make_photo()]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == Case.Source.PUBLIC and case.reporter is None and case.photos.count() == 1
    page = c.get(response["Location"])
    body = page.content.decode()
    assert case.number in body and "请保存" in body  # the number and the private link, once
    assert "13900000002" not in body and "李先生" not in body


def test_bad_reports_show_field_errors_and_store_nothing(located: dict[str, Any], categories: dict[str, Any]) -> None:
    c = _client()
    response = c.post(reverse("cases:report"), _form(located, categories, place="", description="x" * 4001))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    body = response.content.decode()
    assert "fielderror" in body
    response = c.post(reverse("cases:report"), _form(located, categories, place=""))
    assert "请选择地点" in response.content.decode()
    assert Case.objects.count() == 0


def test_it_shows_nearby_open_cases_before_filing_a_duplicate(
    reported: Case, located: dict[str, Any], categories: dict[str, Any]
) -> None:
    c = _client()
    response = c.post(reverse("cases:report"), _form(located, categories))
    assert response.status_code == 200
    body = response.content.decode()
    assert reported.number in body and 'data-testid="nearby"' in body
    assert Case.objects.count() == 1
    fragment = c.get(reverse("cases:nearby"), {"category": categories["sewer"].pk, "lat": "27.8857", "lng": "113.1255"})
    assert reported.number in fragment.content.decode()
    # "Me too" instead of a duplicate…
    c.post(reverse("cases:me-too", args=[reported.number]))
    assert Case.objects.get(pk=reported.pk).me_too_count == 1
    # …or, if it is another problem, file it anyway.
    response = c.post(reverse("cases:report"), _form(located, categories, confirm_new="1"))
    assert response.status_code == 302 and Case.objects.count() == 2


def test_the_public_sees_no_reporter_identity(reported: Case, located: dict[str, Any]) -> None:
    c = _client()
    for url in (
        reverse("cases:public-list"),
        reverse("cases:public-detail", args=[reported.number]),
        reverse("cases:public-map-data"),
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert reported.number in body
        assert "13800000001" not in body and "王阿姨" not in body
    assert c.get(reverse("cases:public-map")).status_code == 200


def test_public_filters(reported: Case, located: dict[str, Any], categories: dict[str, Any]) -> None:
    other = case_report(category="illegal-parking", description="乱停车", place=located["xianghua"], source="public")
    c = _client()
    body = c.get(reverse("cases:public-list"), {"community": located["xianghua"].pk}).content.decode()
    assert other.number in body and reported.number not in body
    body = c.get(reverse("cases:public-list"), {"category": categories["sewer"].pk}).content.decode()
    assert reported.number in body and other.number not in body
    body = c.get(reverse("cases:public-list"), {"district": located["shifeng"].pk, "status": "reported"}).content
    assert reported.number in body.decode()
    data = c.get(reverse("cases:public-map-data"), {"district": located["hetang"].pk}).json()
    assert [m["number"] for m in data["cases"]] == [other.number]


def test_private_categories_stay_off_the_public_pages(located: dict[str, Any], categories: dict[str, Any]) -> None:
    private = case_report(category="neighbourhood", description="楼上噪音", place=located["beiling"], source="public")
    c = _client()
    assert private.number not in c.get(reverse("cases:public-list")).content.decode()
    assert c.get(reverse("cases:public-detail", args=[private.number])).status_code == 404
    # The reporter still follows it through the private link.
    assert c.get(reverse("cases:follow", args=[private.follow_token])).status_code == 200  # type: ignore[attr-defined]


def test_the_follow_link_rates_once(reported: Case, beiling_grid_worker: User, chengfa_liaison: User) -> None:
    c = _client()
    url = reverse("cases:follow", args=[reported.follow_token])  # type: ignore[attr-defined]
    assert c.get(url).status_code == 200
    assert c.get(reverse("cases:follow", args=["wrong-token"])).status_code == 404
    assert c.post(url, {"rating": "5"}).status_code == 302  # not yet verified: refused
    assert Case.objects.get(pk=reported.pk).rating is None
    case_accept(case=reported, actor=beiling_grid_worker)
    case_dispatch(case=reported, actor=beiling_grid_worker)
    case_resolve(case=reported, actor=chengfa_liaison, note="已疏通")
    case_verify(case=reported, actor=beiling_grid_worker)
    assert 'data-testid="rate"' in c.get(url).content.decode()
    c.post(url, {"rating": "5", "comment": "满意"})
    fresh = Case.objects.get(pk=reported.pk)
    assert fresh.rating == 5 and fresh.status == Case.Status.CLOSED
    assert 'data-testid="rate"' not in c.get(url).content.decode()


def test_case_photos_are_public_only_for_public_cases(located: dict[str, Any], categories: dict[str, Any]) -> None:
    shown = case_report(
        category="sewer", description="x", place=located["beiling"], photos=[make_photo()], source="public"
    )
    hidden = case_report(
        category="neighbourhood", description="x", place=located["beiling"], photos=[make_photo()], source="public"
    )
    c = _client()
    assert c.get(reverse("cases:photo", args=[shown.photos.get().pk])).status_code == 200
    assert c.get(reverse("cases:photo", args=[hidden.photos.get().pk])).status_code == 404


def test_staff_pages_by_role(
    reported: Case, beiling_grid_worker: User, chengfa_liaison: User, gongdian_liaison: User, resident: User
) -> None:
    detail = reverse("cases:manage-detail", args=[reported.pk])
    grid = _client(beiling_grid_worker)
    body = grid.get(detail).content.decode()
    assert "13800000001" in body and 'data-testid="step-accept"' in body
    assert _client(chengfa_liaison).get(detail).status_code == 404  # not dispatched to them yet
    assert _client(resident).get(detail).status_code == 404
    assert _client(chengfa_liaison).get(reverse("cases:manage-list")).status_code == 200
    response = grid.post(reverse("cases:manage-action", args=[reported.pk, "accept"]), {"accept-priority": "high"})
    assert response.status_code == 302
    response = grid.post(
        reverse("cases:manage-action", args=[reported.pk, "dispatch"]),
        {"dispatch-unit": chengfa_liaison.memberships.get().unit_id},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=reported.pk).status == Case.Status.DISPATCHED
    body = _client(chengfa_liaison).get(detail).content.decode()
    assert 'data-testid="step-resolve"' in body and "13800000001" in body
    assert _client(gongdian_liaison).get(detail).status_code == 404
    # An illegal step from a stale page: a clear message, nothing changed.
    response = grid.post(reverse("cases:manage-action", args=[reported.pk, "accept"]), {"accept-priority": "high"})
    assert response.status_code == 200 and "已派遣" in response.content.decode()
    # A step the user may not take: 403.
    response = _client(gongdian_liaison).post(
        reverse("cases:manage-action", args=[reported.pk, "start"]), {"start-note": ""}
    )
    assert response.status_code == 404


def test_grid_workers_report_with_their_source(
    located: dict[str, Any], categories: dict[str, Any], beiling_grid_worker: User
) -> None:
    c = _client(beiling_grid_worker)
    assert c.get(reverse("cases:manage-new")).status_code == 200
    response = c.post(reverse("cases:manage-new"), {**_form(located, categories), "priority": "urgent"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == Case.Source.GRID and case.priority == "urgent" and case.reporter == beiling_grid_worker


def test_residents_cannot_use_the_staff_form(resident: User, categories: dict[str, Any]) -> None:
    assert _client(resident).get(reverse("cases:manage-new")).status_code == 403


def test_export_follows_the_filters_and_the_scope(
    reported: Case, located: dict[str, Any], categories: dict[str, Any], beiling_staff: User, city_admin: User
) -> None:
    case_report(category="illegal-parking", description="乱停车", place=located["xianghua"], source="public")
    response = _client(beiling_staff).get(reverse("cases:manage-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == reported.number and rows[1][-1] == "13800000001"
    response = _client(city_admin).get(reverse("cases:manage-export"), {"community": located["xianghua"].pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "湘华社区"


def test_public_report_is_rate_limited(located: dict[str, Any], categories: dict[str, Any]) -> None:
    c = _client()
    codes = [c.post(reverse("cases:report"), {"description": ""}).status_code for _ in range(11)]
    assert codes[-1] == 429 and 429 not in codes[:10]


def test_list_pages_keep_their_query_count(
    located: dict[str, Any], categories: dict[str, Any], city_admin: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        case_report(category="sewer", description=f"问题 {i}", place=located["xinyuan"], source="public")
    c = _client(city_admin)
    c.get(reverse("cases:manage-list"))
    with django_assert_max_num_queries(12):
        c.get(reverse("cases:manage-list"))
    anon = _client()
    with django_assert_max_num_queries(8):
        anon.get(reverse("cases:public-list"))


def test_category_pages(city_admin: User, categories: dict[str, Any], chengfa_liaison: User) -> None:
    assert _client(city_admin).get(reverse("cases:category-list")).status_code == 200
    assert _client(city_admin).get(reverse("cases:category-import")).status_code == 200
    assert _client(chengfa_liaison).get(reverse("cases:category-import")).status_code == 403


def test_the_case_pages_speak_english(reported: Case) -> None:
    c = _client()
    c.cookies["django_language"] = "en"
    body = c.get(reverse("cases:report")).content.decode()
    assert "Report a problem" in body and "Kind of problem" in body
    body = c.get(reverse("cases:public-detail", args=[reported.number])).content.decode()
    assert "Progress" in body and "Reported" in body
    # The case's place is its location (the places' breadcrumbs say "位置" too, in another sense).
    body = c.get(reverse("cases:follow", args=[reported.follow_token])).content.decode()  # type: ignore[attr-defined]
    assert "<dt>Location</dt>" in body and "Breadcrumbs" not in body


def test_the_export_button_carries_the_lists_filters(
    reported: Case, located: dict[str, Any], categories: dict[str, Any], city_admin: User
) -> None:
    import html
    import re

    other = case_report(category="illegal-parking", description="乱停车", place=located["xianghua"], source="public")
    c = _client(city_admin)
    page = c.get(reverse("cases:manage-list"), {"status": "reported", "category": categories["parking"].pk})
    href = html.unescape(re.search(r'href="([^"]+)" data-testid="export"', page.content.decode()).group(1))  # type: ignore[union-attr]
    assert "status=reported" in href and f"category={categories['parking'].pk}" in href
    rows = list(load_workbook(io.BytesIO(c.get(href).content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [other.number]
    assert rows[0][0] == "编号" and rows[1][2] == "待受理"


def test_overdue_cases_are_marked_on_the_staff_pages(reported: Case, beiling_staff: User) -> None:
    import datetime

    c = _client(beiling_staff)
    assert 'data-testid="overdue"' not in c.get(reverse("cases:manage-list")).content.decode()
    Case.objects.filter(pk=reported.pk).update(due_at=reported.created_at - datetime.timedelta(hours=1))
    assert 'data-testid="overdue"' in c.get(reverse("cases:manage-list")).content.decode()
    assert 'data-testid="overdue"' in c.get(reverse("cases:manage-detail", args=[reported.pk])).content.decode()


def test_the_steps_speak_english_too(reported: Case, beiling_grid_worker: User) -> None:
    c = _client(beiling_grid_worker)
    c.cookies["django_language"] = "en"
    body = c.get(reverse("cases:manage-detail", args=[reported.pk])).content.decode()
    assert "<summary>Accept</summary>" in body and "<summary>Reject</summary>" in body
    body = c.get(reverse("cases:manage-new")).content.decode()
    assert "A problem found on your grid round" in body
