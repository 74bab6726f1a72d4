import csv
import io
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from gongjian.core.models import AuditEntry
from gongjian.core.sheets import SheetInvalid
from gongjian.places.models import Place
from gongjian.places.services import place_import

pytestmark = pytest.mark.django_db
HEADER = ["区", "街道", "社区", "小区", "网格", "楼栋", "编码", "纬度", "经度"]


def xlsx(rows: Sequence[Sequence[object]], name: str = "places.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def csv_file(rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return SimpleUploadedFile("places.csv", buf.getvalue().encode(encoding))


def test_it_imports_a_tree_reusing_existing_ancestors(db):
    rows = [
        HEADER,
        ["天元区", "泰山路街道", "大岭社区", "", "", "", "430211001", "27.83", "113.08"],
        ["天元区", "泰山路街道", "天台社区", "金城小区", "天台社区第一网格", "1栋"],
        ["天元区", "嵩山路街道", "小湖塘社区"],
    ]
    result = place_import(upload=xlsx(rows))
    assert result == {"created": 9, "existing": 0, "rows": 3}
    # The same sheet again finds every place and creates none.
    assert place_import(upload=xlsx(rows)) == {"created": 0, "existing": 9, "rows": 3}
    assert Place.objects.count() == 9
    # Each new place has its own audit entry, with who and what.
    assert AuditEntry.objects.filter(content_type__model="place", action="create").count() == 9
    daling = Place.objects.get(name="大岭社区")
    assert daling.parent is not None and daling.parent.name == "泰山路街道" and daling.code == "430211001"
    assert str(daling.latitude) == "27.830000"
    building = Place.objects.get(name="1栋")
    assert [a.name for a in building.ancestors()] == [
        "天元区",
        "泰山路街道",
        "天台社区",
        "金城小区",
        "天台社区第一网格",
    ]
    assert AuditEntry.objects.filter(event="places.imported").count() == 2


def test_it_reads_gb18030_csv_from_chinese_excel(db):
    place_import(upload=csv_file([["区", "街道", "社区"], ["渌口区", "渌口镇", "城东社区"]], encoding="gb18030"))
    assert Place.objects.filter(name="城东社区", parent__name="渌口镇").exists()


def test_it_reports_every_bad_row_and_writes_nothing(db):
    sheet = xlsx(
        [
            HEADER,
            ["荷塘区", "金山街道", "湘华社区"],  # good
            ["", "金山街道", "湘华社区"],  # no district
            ["荷塘区", "", "月桂社区"],  # gap
            ["荷塘区", "宋家桥街道", "月桂社区", "", "", "", "", "95", "113"],  # latitude out of range
            ["荷塘区", "宋家桥街道", "x" * 101],  # too long
            ["荷塘区", "宋家桥街道", "甲社区", "", "", "", "A1"],
            ["荷塘区", "宋家桥街道", "乙社区", "", "", "", "A1"],  # duplicate code
        ]
    )
    with pytest.raises(SheetInvalid) as exc:
        place_import(upload=sheet)
    got = [(e.row, e.column) for e in exc.value.errors]
    assert got == [(3, "区"), (4, "社区"), (5, "纬度"), (6, "社区"), (8, "编码")]
    assert all(e.message for e in exc.value.errors)
    assert Place.objects.count() == 0


def test_it_rolls_back_when_a_row_clashes_with_the_stored_tree(world):
    # 北岭社区 already holds code 430204001: a later row giving it to 湘华社区 is refused, and the
    # good row before it is not kept either.
    world["beiling"].code = "430204001"
    world["beiling"].save()
    before = Place.objects.count()
    sheet = xlsx([HEADER, ["渌口区", "南洲镇", "新社区"], ["荷塘区", "金山街道", "湘华社区", "", "", "", "430204001"]])
    with pytest.raises(SheetInvalid) as exc:
        place_import(upload=sheet)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "编码")]
    assert Place.objects.count() == before
    assert not Place.objects.filter(name="渌口区").exists()


def test_it_refuses_missing_columns_and_wrong_file_types(db):
    with pytest.raises(SheetInvalid) as exc:
        place_import(upload=xlsx([["街道", "社区"], ["金山街道", "湘华社区"]]))
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "区")]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        place_import(upload=SimpleUploadedFile("places.exe", b"MZ"))
    with pytest.raises(ValidationError):
        place_import(upload=SimpleUploadedFile("places.xlsx", b"not a zip"))


def test_it_shows_the_bad_rows_on_the_job_page(client, city_admin):
    client.force_login(city_admin)
    response = client.post(reverse("places:import"), {"file": xlsx([HEADER, ["荷塘区", "", "月桂社区"]])}, follow=True)
    assert response.redirect_chain[0][0].startswith("/jobs/")
    html = response.content.decode()
    assert 'data-status="refused"' in html
    assert "未导入任何数据" in html and "上一级“街道”为空" in html
    assert not Place.objects.filter(name="月桂社区").exists()
    response = client.post(
        reverse("places:import"), {"file": xlsx([HEADER, ["芦淞区", "贺家土街道", "大塘冲社区"]])}, follow=True
    )
    assert "导入完成：1 行，新增 3 个地点。" in response.content.decode()
    assert Place.objects.filter(name="大塘冲社区").exists()


def test_it_keeps_the_import_page_from_everyone_but_the_city_admin(client, chengfa_liaison, resident):
    for user in (chengfa_liaison, resident):
        client.force_login(user)
        assert client.get(reverse("places:import")).status_code == 403
        assert client.post(reverse("places:import"), {"file": xlsx([HEADER, ["芦淞区"]])}).status_code == 403
    assert not Place.objects.filter(name="芦淞区").exists()
