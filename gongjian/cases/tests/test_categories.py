"""The catalogue: import from a sheet (all rows or none), the admin, deadlines per priority."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from gongjian.accounts.models import User
from gongjian.cases.jobs import category_import
from gongjian.cases.models import Category
from gongjian.core.models import Job
from gongjian.core.sheets import SheetInvalid

pytestmark = pytest.mark.django_db


def _sheet(rows: list[list[Any]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "类别", "大类", "默认责任单位", "紧急时限", "较急时限", "一般时限", "公开"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("categories.xlsx", buf.getvalue())


def test_it_imports_and_updates_categories(world: dict[str, Any], categories: dict[str, Any]) -> None:
    result = category_import(
        upload=_sheet(
            [
                ["manhole", "井盖缺失", "部件", "公用设施", "市城发集团", 2, 12, 48, "是"],
                ["flying-cable", "飞线充电", "事件", "安全隐患", "联点单位", 2, 24, 48, "是"],
                ["sewer", "下水道堵塞外溢", "部件", "", "", 3, 20, 60, "否"],
            ]
        )
    )
    assert result == {"rows": 3, "created": 2, "updated": 1}
    manhole = Category.objects.get(code="manhole")
    assert manhole.default_unit == world["chengfa"] and manhole.klass == "facility"
    assert manhole.deadline_hours("urgent") == 2 and manhole.deadline_hours("normal") == 48
    assert Category.objects.get(code="flying-cable").use_paired_unit
    sewer = Category.objects.get(code="sewer")
    assert sewer.hours_normal == 60 and not sewer.is_public


def test_one_bad_row_imports_nothing(world: dict[str, Any]) -> None:
    with pytest.raises(SheetInvalid) as exc:
        category_import(
            upload=_sheet(
                [
                    ["ok-one", "好的", "部件", "", "", 2, 12, 48, "是"],
                    ["bad code!", "坏的", "其他", "", "不存在的单位", "x", 12, 48, "也许"],
                    ["ok-one", "重复", "事件", "", "", 2, 12, 48, "是"],
                ]
            )
        )
    columns = {(e.row, e.column) for e in exc.value.errors}
    assert {(3, "类别"), (3, "默认责任单位"), (3, "紧急时限"), (3, "公开"), (4, "编码")} <= columns
    assert not Category.objects.exists()


def test_the_import_page_runs_a_job(city_admin: User, world: dict[str, Any]) -> None:
    c = Client()
    c.force_login(city_admin)
    response = c.post(
        reverse("cases:category-import"), {"file": _sheet([["lamp", "路灯不亮", "部件", "", "", 8, 48, 120, "是"]])}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.DONE
    assert Category.objects.filter(code="lamp").exists()


def test_the_admin_edits_the_catalogue(city_admin: User, categories: dict[str, Any]) -> None:
    c = Client()
    c.force_login(city_admin)
    response = c.get(reverse("admin:cases_category_change", args=[categories["sewer"].pk]))
    assert response.status_code == 200
