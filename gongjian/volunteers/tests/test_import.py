"""Importing volunteers from a sheet: all rows or none, every bad row reported, run as a job."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from gongjian.core.models import Job
from gongjian.volunteers.models import Team, Volunteer
from gongjian.volunteers.protect import id_number_with_check

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "手机号", "身份证号", "在职党员", "工作单位", "居住社区", "服务队"]


def sheet(rows: list[list[str]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("volunteers.xlsx", buf.getvalue())


def test_it_imports_every_row_as_a_job(client, city_admin, world):
    Team.objects.create(name="北岭社区志愿服务队", community=world["beiling"])
    rows = [
        [
            "张一",
            "13800001111",
            id_number_with_check("43020219800101001"),
            "是",
            "市城发集团",
            "北岭社区",
            "北岭社区志愿服务队",
        ],
        ["张二", "138 0000 2222", "", "否", "", "湘华社区", ""],
    ]
    client.force_login(city_admin)
    response = client.post(reverse("volunteers:import"), {"file": sheet(rows)})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == "done", job.result
    assert job.result["counts"] == {"created": 2}
    one = Volunteer.objects.get(name="张一")
    assert one.is_party_member and one.unit == world["chengfa"] and one.source == "import"
    assert one.teams.get().name == "北岭社区志愿服务队"
    assert one.district == world["shifeng"]


def test_one_bad_row_means_nothing_is_imported_and_every_bad_row_is_said(client, city_admin, world, volunteer):
    rows = [
        ["好人", "13800003333", "", "否", "", "", ""],
        ["", "12345", "430202", "也许", "不存在的单位", "不存在的社区", "无此队"],
        ["重复", "13807330001", "", "否", "", "", ""],
        ["表内重复", "13800003333", "", "是", "", "", ""],
    ]
    client.force_login(city_admin)
    client.post(reverse("volunteers:import"), {"file": sheet(rows)})
    job = Job.objects.get()
    assert job.status == "refused"
    problems = {(e["row"], e["column"]) for e in job.result["errors"]}
    assert {
        (3, "姓名"),
        (3, "手机号"),
        (3, "身份证号"),
        (3, "在职党员"),
        (3, "工作单位"),
        (3, "居住社区"),
        (3, "服务队"),
    } <= problems
    assert (4, "手机号") in problems and (5, "手机号") in problems and (5, "工作单位") in problems
    assert not Volunteer.objects.filter(name="好人").exists()


def test_only_the_city_admin_imports(client, chengfa_liaison):
    client.force_login(chengfa_liaison)
    assert client.get(reverse("volunteers:import")).status_code == 403
