import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongjian.core.sheets import SheetInvalid
from gongjian.pairings.models import Pairing
from gongjian.pairings.services import pairing_import, visit_create
from gongjian.places.models import PlaceKind
from gongjian.places.services import place_create
from gongjian.units.services import unit_create

pytestmark = pytest.mark.django_db


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("pairings.xlsx", buf.getvalue())


@pytest.fixture
def more_units(world):
    tianyuan = place_create(kind=PlaceKind.DISTRICT, name="天元区")
    taishan = place_create(kind=PlaceKind.SUBDISTRICT, name="泰山路街道", parent=tianyuan)
    place_create(kind=PlaceKind.COMMUNITY, name="大岭社区", parent=taishan)
    place_create(kind=PlaceKind.COMMUNITY, name="天台社区", parent=taishan)
    # A second 天台社区 elsewhere: rows must then say which one.
    place_create(kind=PlaceKind.COMMUNITY, name="天台社区", parent=world["tianxin"])
    return [
        unit_create(name="株洲市财政局", short_name="市财政局", kind="city_department"),
        unit_create(name="中共株洲市委宣传部", short_name="市委宣传部", kind="city_department"),
    ]


def test_it_imports_pairings_by_full_or_short_name(world, more_units):
    result = pairing_import(
        upload=xlsx(
            [
                ["年度", "单位", "社区", "街道", "区"],
                [2023, "市财政局", "大岭社区"],
                [2023, "中共株洲市委宣传部", "天台社区", "泰山路街道", "天元区"],
            ]
        )
    )
    assert result == {"created": 2}
    assert Pairing.objects.get(unit__short_name="市委宣传部").community.parent.name == "泰山路街道"


def test_it_reports_every_bad_pairing_row_and_writes_nothing(world, more_units):
    rows = [
        ["年度", "单位", "社区"],
        [2023, "市财政局", "大岭社区"],  # fine on its own
        [2031, "市委宣传部", "大岭社区"],  # no such campaign
        [2023, "不存在的局", "大岭社区"],  # unknown unit
        [2023, "市委宣传部", "天台社区"],  # two communities of that name
        [2023, "市城发集团", "大岭社区"],  # already paired this campaign
        ["二〇二三", "市财政局", "大岭社区"],  # not a year
        [2023, "市财政局", "月桂社区"],  # unknown community, and 市财政局 twice
    ]
    with pytest.raises(SheetInvalid) as exc:
        pairing_import(upload=xlsx(rows))
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (3, "年度"),
        (4, "单位"),
        (5, "社区"),
        (6, "单位"),
        (7, "年度"),
        (8, "社区"),
        (8, "单位"),
    ]
    assert Pairing.objects.count() == 2  # only the world's own


def test_it_exports_only_the_visits_a_liaison_may_see(client, world, chengfa_liaison, gongdian_liaison):
    visit_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        visited_on=datetime.date(2023, 5, 2),
        findings="田心路下水道淤堵",
    )
    visit_create(
        pairing=world["gongdian_pairing"],
        actor=gongdian_liaison,
        visited_on=datetime.date(2023, 5, 3),
        findings="315 老式变压器",
    )
    client.force_login(gongdian_liaison)
    response = client.get(reverse("pairings:visit-export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "走访日期"
    assert [r[2] for r in rows[1:]] == ["国网株洲供电公司"]
    assert "田心路下水道淤堵" not in str(rows)

    campaign = client.get(reverse("pairings:campaign-export", args=[world["campaign"].pk]), {"as_of": "2023-05-31"})
    rows = list(load_workbook(io.BytesIO(campaign.content)).active.iter_rows(values_only=True))
    assert [(r[0], r[5]) for r in rows[1:]] == [("国网株洲供电公司", 1)]


def test_it_exports_every_pairing_to_the_city_admin(client, world, chengfa_liaison, city_admin):
    visit_create(
        pairing=world["chengfa_pairing"], actor=chengfa_liaison, visited_on=datetime.date(2023, 5, 2), led_by_head=True
    )
    client.force_login(city_admin)
    response = client.get(reverse("pairings:campaign-export", args=[world["campaign"].pk]), {"as_of": "2023-05-09"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit["株洲市城市发展集团有限公司"][5:] == (1, datetime.datetime(2023, 5, 2), 1)
    assert by_unit["国网株洲供电公司"][5] == 0
