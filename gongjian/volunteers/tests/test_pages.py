"""Pages: public sign-up and activities, the QR check-in flow, approval, statement and its
verification, exports with masked numbers, and who may see what."""

import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.volunteers import checkin
from gongjian.volunteers.models import ServiceRecord, Statement, Volunteer
from gongjian.volunteers.services import attendance_mark, record_approve
from gongjian.volunteers.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_the_day():
    with time_machine.travel(at(20, 9, 5), tick=False):
        yield


def _two_approved_hours(activity, volunteer, organiser):
    """The organiser marks 09:00–11:00 on 20 May after the fact and approves it."""
    record = attendance_mark(
        activity=activity,
        volunteer=volunteer,
        checked_in_at=at(20, 9),
        checked_out_at=at(20, 11),
        actor=organiser,
        now=at(21, 9),
    )
    record_approve(record=record, actor=organiser)
    return record


def test_anyone_sees_activities_and_an_activity(client, activity, on_the_day):
    response = client.get(reverse("volunteers:activity-list"))
    assert response.status_code == 200 and "北岭社区文明实践微服务" in response.text
    response = client.get(reverse("volunteers:activity-detail", args=[activity.pk]))
    assert response.status_code == 200 and "注册志愿者并报名" in response.text
    assert "报名与候补" not in response.text  # the organiser's part is not shown


def test_anonymous_cannot_reach_the_volunteer_list_or_the_qr_code(client, activity):
    for name, args in [
        ("volunteers:list", []),
        ("volunteers:activity-qr", [activity.pk]),
        ("volunteers:compliance", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_person_registers_and_is_signed_in(client, world):
    response = client.post(
        reverse("volunteers:register"),
        {
            "name": "张新",
            "phone": "13607330088",
            "id_number": "",
            "is_party_member": "on",
            "unit": world["chengfa"].pk,
            "community": world["beiling"].pk,
            "username": "zhangxin",
            "password": "a-long-pass-2023",
        },
    )
    assert response.status_code == 302, response.text
    volunteer = Volunteer.objects.get(name="张新")
    assert volunteer.user.username == "zhangxin" and volunteer.is_party_member and volunteer.source == "self"
    me = client.get(reverse("volunteers:me"))
    assert "13607330088" in me.text  # in full, on their own page


def test_registration_errors_name_the_field_and_change_nothing(client, world, volunteer):
    response = client.post(
        reverse("volunteers:register"),
        {"name": "重复", "phone": "13807330001", "username": "dup", "password": "a-long-pass-2023"},
    )
    assert response.status_code == 200 and "该手机号已登记为志愿者" in response.text
    assert not Volunteer.objects.filter(name="重复").exists()
    from gongjian.accounts.models import User

    assert not User.objects.filter(username="dup").exists()


def test_numbers_are_masked_everywhere_but_the_own_page(client, volunteer, chengfa_liaison, city_admin, volunteer_user):
    for user in (chengfa_liaison, city_admin):
        client.force_login(user)
        page = client.get(reverse("volunteers:detail", args=[volunteer.pk])).text
        assert "138****0001" in page and "13807330001" not in page
        listing = client.get(reverse("volunteers:list")).text
        assert "138****0001" in listing and "13807330001" not in listing
        export = client.get(reverse("volunteers:export"))
        ws = load_workbook(io.BytesIO(export.content)).active
        cells = [str(c.value) for row in ws.iter_rows() for c in row]
        assert "138****0001" in cells and "13807330001" not in " ".join(cells)
        assert volunteer.id_number_masked in cells
    client.force_login(volunteer_user)
    assert "13807330001" in client.get(reverse("volunteers:me")).text


def test_another_units_liaison_cannot_see_a_members_record(
    client, volunteer, gongdian_liaison, activity, chengfa_liaison
):
    attendance_mark(
        activity=activity,
        volunteer=volunteer,
        checked_in_at=at(20, 9),
        checked_out_at=at(20, 11),
        actor=chengfa_liaison,
        now=at(21, 9),
    )
    record = ServiceRecord.objects.get()
    client.force_login(gongdian_liaison)
    assert client.get(reverse("volunteers:detail", args=[volunteer.pk])).status_code == 404
    assert "李志愿" not in client.get(reverse("volunteers:list")).text
    assert client.post(reverse("volunteers:record-approve", args=[record.pk])).status_code == 404
    assert client.get(reverse("volunteers:activity-qr", args=[activity.pk])).status_code == 403
    assert "李志愿" not in client.get(reverse("volunteers:compliance") + "?month=2023-05").text
    record.refresh_from_db()
    assert record.status == "pending"


def test_community_staff_see_their_communitys_volunteers(client, volunteer, gongdian_member, beiling_staff):
    client.force_login(beiling_staff)
    page = client.get(reverse("volunteers:list")).text
    assert "李志愿" in page and "王供电" not in page


def test_the_qr_link_checks_a_volunteer_in_and_out(client, activity, volunteer, volunteer_user, chengfa_liaison):
    with time_machine.travel(at(20, 9, 5), tick=False):
        client.force_login(chengfa_liaison)
        qr = client.get(reverse("volunteers:activity-qr", args=[activity.pk]))
        assert qr.status_code == 200 and "<svg" in qr.text
        url = checkin.scan_url(activity.pk, at(20, 9, 5))
        path = url.split("127.0.0.1:8000", 1)[-1]
        client.force_login(volunteer_user)
        page = client.get(path)
        assert "确认签到" in page.text
        token = path.split("t=")[1]
        done = client.post(reverse("volunteers:scan", args=[activity.pk]), {"t": token})
        assert "签到成功" in done.text
    with time_machine.travel(at(20, 11, 35), tick=False):
        token = checkin.token_for(activity.pk, at(20, 11, 35))
        done = client.post(reverse("volunteers:scan", args=[activity.pk]), {"t": token})
        assert "签退成功" in done.text
        again = client.post(reverse("volunteers:scan", args=[activity.pk]), {"t": token})
        assert "不能重复签到" in again.text
    record = ServiceRecord.objects.get()
    assert record.status == "pending" and record.hours == Decimal("2.00")
    client.force_login(chengfa_liaison)
    client.post(reverse("volunteers:record-approve", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "approved"


def test_a_stale_link_is_refused_on_the_page(client, activity, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    with time_machine.travel(at(20, 9, 30), tick=False):
        response = client.get(reverse("volunteers:scan", args=[activity.pk]) + "?t=123.abc")
        assert "签到码无效" in response.text


def test_a_volunteer_gets_a_pdf_statement_that_verifies(client, activity, volunteer, volunteer_user, chengfa_liaison):
    from pypdf import PdfReader

    _two_approved_hours(activity, volunteer, chengfa_liaison)
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:statement-create"), {"period_from": "2023-05-01", "period_to": "2023-05-31"}, follow=True
    )
    assert "证明已生成：1 次服务，共 2.00 小时。" in response.text  # the job's page
    statement = Statement.objects.get()
    assert statement.hours == Decimal("2.00") and statement.record_count == 1
    pdf = client.get(reverse("volunteers:statement-download", args=[statement.pk]))
    data = b"".join(pdf.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "志愿服务时长证明" in text and "李志愿" in text and "2.00" in text and statement.code in text
    assert "不是全国志愿服务信息系统出具的证明" in text.replace("\n", "")
    client.logout()
    ok = client.get(reverse("volunteers:verify") + f"?code={statement.code.lower()}")
    assert "证明真实有效" in ok.text and "李**" in ok.text and "2.00" in ok.text
    bad = client.get(reverse("volunteers:verify") + "?code=ABCDEFGHJKLM")
    assert "没有找到" in bad.text


def test_a_statement_for_a_bad_period_is_refused_before_any_job(client, volunteer, volunteer_user):
    from gongjian.core.models import Job

    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:statement-create"), {"period_from": "2023-05-31", "period_to": "2023-05-01"}, follow=True
    )
    assert "截止日期不能早于起始日期" in response.text and not Job.objects.exists()


def test_another_user_cannot_download_a_statement(client, volunteer, volunteer_user, gongdian_liaison):
    import datetime

    from gongjian.volunteers.services import statement_create

    statement = statement_create(
        volunteer=volunteer,
        period_from=datetime.date(2023, 1, 1),
        period_to=datetime.date(2023, 5, 31),
        actor=volunteer_user,
    )
    client.force_login(gongdian_liaison)
    assert client.get(reverse("volunteers:statement-download", args=[statement.pk])).status_code == 404


def test_only_the_city_admin_sets_the_hour_rule(client, city_admin, chengfa_liaison):
    client.force_login(chengfa_liaison)
    assert client.get(reverse("volunteers:rule")).status_code == 403
    client.force_login(city_admin)
    response = client.post(
        reverse("volunteers:rule"),
        {"round_to_minutes": 15, "cap_hours": "6", "checkout_grace_minutes": 60, "early_check_in_minutes": 30},
    )
    assert response.status_code == 302
    from gongjian.volunteers.selectors import hour_rule_current

    assert hour_rule_current().cap_hours == Decimal("6")


def test_a_liaison_publishes_an_activity_only_for_their_own_unit(client, world, chengfa_liaison):
    client.force_login(chengfa_liaison)
    data = {
        "title": "湘华社区文明劝导",
        "kind": "civic_guidance",
        "organiser_unit": world["gongdian"].pk,
        "community": world["xianghua"].pk,
        "starts_at": "2023-05-21T09:00",
        "ends_at": "2023-05-21T11:00",
        "capacity": 10,
    }
    response = client.post(reverse("volunteers:activity-create"), data)
    assert response.status_code == 200  # 国网株洲供电公司 is not among the choices
    data["organiser_unit"] = world["chengfa"].pk
    response = client.post(reverse("volunteers:activity-create"), data)
    assert response.status_code == 302


def test_the_compliance_page_and_export(client, city_admin, volunteer, gongdian_member):
    Volunteer.objects.update(created_at=at(1, 9, month=4))
    client.force_login(city_admin)
    page = client.get(reverse("volunteers:compliance") + "?month=2023-05")
    assert page.status_code == 200 and "0.0%" in page.text
    export = client.get(reverse("volunteers:compliance-export") + "?month=2023-05")
    ws = load_workbook(io.BytesIO(export.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row]
    assert "市城发集团" in cells and "138****0001" in cells and "13807330001" not in cells


def test_the_dashboard_shows_the_volunteer_figures(client, city_admin, volunteer):
    Volunteer.objects.update(created_at=at(1, 9, month=4))
    client.force_login(city_admin)
    page = client.get(reverse("core:dashboard") + "?as_of=2023-05-20")
    assert 'data-figure="volunteers.people"' in page.text or "volunteers.people" in page.text
    assert "volunteers.compliance" in page.text


def test_the_pages_speak_english_too(client, activity):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("volunteers:activity-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Volunteer activities" in page.text and "Verify a statement" in page.text


@pytest.mark.parametrize(
    ("name", "limit"), [("volunteers:list", 12), ("volunteers:activity-list", 10), ("volunteers:compliance", 14)]
)
def test_list_pages_answer_in_a_fixed_number_of_queries(
    client, world, city_admin, chengfa_liaison, django_assert_max_num_queries, name, limit
):
    from gongjian.volunteers.services import activity_create, signup_create
    from gongjian.volunteers.tests.conftest import make_volunteer

    people = [
        make_volunteer(f"党员{i}", f"1350733{i:04d}", unit=world["chengfa"], community=world["beiling"], party=True)
        for i in range(12)
    ]
    for day in (21, 22, 23):
        a = activity_create(
            actor=city_admin,
            title=f"活动{day}",
            kind="clean_up",
            organiser_unit=world["chengfa"],
            community=world["beiling"],
            starts_at=at(day, 9).replace(year=2099),
            ends_at=at(day, 11).replace(year=2099),
            capacity=5,
        )
        for v in people[:6]:
            signup_create(activity=a, volunteer=v, actor=None)
    client.force_login(city_admin)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name)).status_code == 200


def test_registration_never_sends_people_to_another_site(client, world):
    data = {"name": "钱多", "phone": "13607330099", "username": "qianduo", "password": "a-long-pass-2023"}
    response = client.post(reverse("volunteers:register") + "?next=https://evil.example/", data)
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:activity-list")


def test_a_team_leader_publishes_for_their_team(client, world, volunteer, volunteer_user):
    from gongjian.volunteers.models import Activity
    from gongjian.volunteers.services import team_create

    team = team_create(name="北岭社区志愿服务队", community=world["beiling"], leader=volunteer)
    client.force_login(volunteer_user)
    assert "发布活动" in client.get(reverse("volunteers:activity-list")).text
    response = client.post(
        reverse("volunteers:activity-create"),
        {
            "title": "楼道清理",
            "kind": "clean_up",
            "organiser_team": team.pk,
            "community": world["beiling"].pk,
            "starts_at": "2099-05-21T09:00",
            "ends_at": "2099-05-21T11:00",
            "capacity": 6,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="楼道清理")
    assert "报名与候补" in client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text


def test_the_record_follows_the_2020_measures_categories(client, volunteer, volunteer_user, chengfa_liaison):
    """基本信息, 服务信息, 培训信息, 表彰奖励信息, 评价信息 (民政部令第67号), kept by the member's unit."""
    client.force_login(chengfa_liaison)
    url = reverse("volunteers:entry-add", args=[volunteer.pk])
    for kind, title in [("training", "通用培训"), ("commendation", "优秀志愿者"), ("evaluation", "服务评价：优秀")]:
        response = client.post(url, {"kind": kind, "happened_on": "2023-05-10", "title": title, "issuer": "北岭社区"})
        assert response.status_code == 302
    bad = client.post(url, {"kind": "training", "happened_on": "2099-01-01", "title": "未来的培训"}, follow=True)
    assert "日期不能晚于今天" in bad.text
    client.force_login(volunteer_user)
    page = client.get(reverse("volunteers:me")).text
    headings = ["基本信息", "服务信息", "培训信息", "表彰奖励信息", "评价信息"]
    positions = [page.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    training = page[positions[2] : positions[3]]
    commendation = page[positions[3] : positions[4]]
    assert "通用培训" in training and "优秀志愿者" in commendation and "服务评价：优秀" in page[positions[4] :]
    assert "未来的培训" not in page


def test_another_unit_cannot_add_to_or_export_a_members_record(client, volunteer, gongdian_member, gongdian_liaison):
    client.force_login(gongdian_liaison)
    response = client.post(
        reverse("volunteers:entry-add", args=[volunteer.pk]),
        {"kind": "evaluation", "happened_on": "2023-05-10", "title": "差评"},
    )
    assert response.status_code == 404 and not volunteer.entries.exists()
    ws = load_workbook(io.BytesIO(client.get(reverse("volunteers:export")).content)).active
    names = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert "王供电" in names and "李志愿" not in names
    Volunteer.objects.update(created_at=at(1, 9, month=4))
    ws = load_workbook(
        io.BytesIO(client.get(reverse("volunteers:compliance-export") + "?month=2023-05").content)
    ).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row]
    assert "王供电" in cells and "李志愿" not in cells and "市城发集团" not in cells


def test_a_bad_month_is_named_and_the_export_refused(client, city_admin):
    client.force_login(city_admin)
    page = client.get(reverse("volunteers:compliance") + "?month=2023-13")
    assert page.status_code == 200 and "请按“年-月”填写月份" in page.text
    export = client.get(reverse("volunteers:compliance-export") + "?month=abc", follow=True)
    assert "月份：请按“年-月”填写月份" in export.text
    assert export.redirect_chain[-1][0] == reverse("volunteers:compliance")


def test_the_hours_chart_shows_only_what_the_viewer_may_see(
    activity, volunteer, gongdian_member, chengfa_liaison, gongdian_liaison
):
    from gongjian.volunteers.selectors import hours_by_month

    _two_approved_hours(activity, volunteer, chengfa_liaison)
    gongdian = gongdian_liaison
    may = [h for m, h in hours_by_month(as_of=at(31, 9).date()) if m.month == 5]
    assert may == [Decimal("2.00")]
    assert [h for m, h in hours_by_month(as_of=at(31, 9).date(), user=chengfa_liaison) if m.month == 5] == may
    assert [h for m, h in hours_by_month(as_of=at(31, 9).date(), user=gongdian) if m.month == 5] == [Decimal("0.00")]


def test_the_own_page_says_how_far_the_next_star_is(client, activity, volunteer, volunteer_user, chengfa_liaison):
    _two_approved_hours(activity, volunteer, chengfa_liaison)
    client.force_login(volunteer_user)
    page = client.get(reverse("volunteers:me")).text
    assert "再认定 98.00 小时达到 1 星" in page


def test_a_check_in_left_open_past_its_window_is_shown_to_the_organiser(
    client, activity, volunteer, world, chengfa_liaison
):
    """A volunteer who forgot to check out cannot check in elsewhere: they are told whom to ask,
    and the organiser finds the record on the approvals page, where it can be declined."""
    from django.core.exceptions import ValidationError

    from gongjian.volunteers.services import activity_create, scan

    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    later = activity_create(
        actor=chengfa_liaison,
        title="次日清洁",
        kind="clean_up",
        organiser_unit=world["chengfa"],
        community=world["beiling"],
        starts_at=at(21, 9),
        ends_at=at(21, 11),
        capacity=5,
    )
    with pytest.raises(ValidationError) as exc:
        scan(
            activity=later, volunteer=volunteer, token=checkin.token_for(later.pk, at(21, 9)), actor=None, now=at(21, 9)
        )
    message = " ".join(exc.value.messages)
    assert "已过签退时限" in message and "联系该活动的组织方" in message
    client.force_login(chengfa_liaison)
    with time_machine.travel(at(21, 9, 5), tick=False):
        page = client.get(reverse("volunteers:pending")).text
        assert "超过签退时限仍未签退" in page and "李志愿" in page
        record = ServiceRecord.objects.get()
        response = client.post(
            reverse("volunteers:record-decline", args=[record.pk]),
            {"reason": "未签退", "next": reverse("volunteers:pending")},
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.status == "declined" and record.decline_reason == "未签退"
        assert (
            scan(
                activity=later,
                volunteer=volunteer,
                token=checkin.token_for(later.pk, at(21, 9, 5)),
                actor=None,
                now=at(21, 9, 5),
            ).status
            == "open"
        )


def test_the_organiser_signs_up_cancels_and_marks_on_behalf(
    client, activity, volunteer, volunteer_user, chengfa_liaison, gongdian_liaison, world
):
    from gongjian.volunteers.models import Signup
    from gongjian.volunteers.tests.conftest import make_volunteer

    make_volunteer("甲", "13700000001", unit=world["chengfa"])
    make_volunteer("乙", "13700000002", unit=world["chengfa"])
    signup_for = reverse("volunteers:activity-signup-for", args=[activity.pk])
    with time_machine.travel(at(19, 9), tick=False):
        client.force_login(gongdian_liaison)  # not the organiser of 市城发集团's activity
        assert client.post(signup_for, {"phone": "13700000001"}).status_code == 403
        assert not Signup.objects.exists()
        client.force_login(chengfa_liaison)
        for phone in ("13700000001", "137 0000 0002", "13807330001"):
            client.post(signup_for, {"phone": phone})
        unknown = client.post(signup_for, {"phone": "13700000009"}, follow=True)
        assert "没有找到该手机号登记的志愿者" in unknown.text
        statuses = dict(Signup.objects.values_list("volunteer__name", "status"))
        assert statuses == {"甲": "confirmed", "乙": "confirmed", "李志愿": "waitlisted"}
        client.force_login(volunteer_user)
        page = client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text
        assert "候补第 1 位" in page
        first = Signup.objects.get(volunteer__name="甲")
        assert client.post(reverse("volunteers:signup-cancel", args=[first.pk])).status_code == 404
        client.force_login(chengfa_liaison)
        client.post(reverse("volunteers:signup-cancel", args=[first.pk]))
        assert Signup.objects.get(volunteer=volunteer).status == "confirmed"
        assert Signup.objects.get(pk=first.pk).cancelled_by == chengfa_liaison
    mark = reverse("volunteers:attendance-mark", args=[activity.pk])
    with time_machine.travel(at(21, 9), tick=False):
        bad = client.post(
            mark, {"phone": "13807330001", "checked_in_at": "2023-05-20T11:00", "checked_out_at": "2023-05-20T09:00"}
        )
        assert "签退时间不能早于签到时间" in client.get(bad["Location"]).text
        client.post(
            mark, {"phone": "13807330001", "checked_in_at": "2023-05-20T09:00", "checked_out_at": "2023-05-20T11:00"}
        )
        record = ServiceRecord.objects.get()
        assert (
            record.check_in_method == "retroactive" and record.status == "pending" and record.hours == Decimal("2.00")
        )
        client.post(reverse("volunteers:activity-no-shows", args=[activity.pk]))
        assert Signup.objects.get(volunteer__name="乙").status == "no_show"
        assert Signup.objects.get(volunteer=volunteer).status == "confirmed"
        page = client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text
        assert "缺席" in page and "137****0002" in page and "13700000002" not in page


def test_the_organiser_enters_a_forgotten_check_out(client, activity, volunteer, chengfa_liaison, gongdian_liaison):
    from gongjian.volunteers.services import scan

    scan(
        activity=activity,
        volunteer=volunteer,
        token=checkin.token_for(activity.pk, at(20, 9)),
        actor=None,
        now=at(20, 9),
    )
    record = ServiceRecord.objects.get()
    url = reverse("volunteers:record-check-out", args=[record.pk])
    with time_machine.travel(at(21, 9), tick=False):
        client.force_login(gongdian_liaison)
        assert client.post(url, {"checked_out_at": "2023-05-20T11:00"}).status_code == 404
        client.force_login(chengfa_liaison)
        page = client.get(reverse("volunteers:activity-detail", args=[activity.pk])).text
        assert 'data-testid="check-out"' in page
        for value, error in [
            ("2023-05-20T08:00", "签退时间不能早于签到时间"),
            ("2023-05-22T08:00", "不能登记未来的时间"),
            ("", "签退时间：这个字段是必填项"),
        ]:
            response = client.post(url, {"checked_out_at": value}, follow=True)
            assert error in response.text, value
            record.refresh_from_db()
            assert record.status == "open" and record.checked_out_at is None
        response = client.post(url, {"checked_out_at": "2023-05-20T11:00"}, follow=True)
        assert "已登记签退，本次 2.00 小时，待认定" in response.text
    record.refresh_from_db()
    assert record.status == "pending" and record.check_out_method == "retroactive" and record.hours == Decimal("2.00")
    assert client.post(url, {"checked_out_at": "2023-05-20T11:10"}, follow=True).status_code == 200
    record.refresh_from_db()
    assert record.hours == Decimal("2.00")  # entered once; a second entry is refused


def test_a_signed_in_resident_joins_from_the_scan_link_and_comes_back(client, activity, resident, world):
    with time_machine.travel(at(20, 9, 5), tick=False):
        client.force_login(resident)
        link = reverse("volunteers:scan", args=[activity.pk]) + "?t=" + checkin.token_for(activity.pk, at(20, 9, 5))
        response = client.get(link)
        assert response.status_code == 302 and response["Location"].startswith(reverse("volunteers:join") + "?next=")
        joined = client.post(response["Location"], {"name": "居民甲", "phone": "13607330111"})
        assert joined.status_code == 302 and joined["Location"] == link
        assert "确认签到" in client.get(link).text
    from gongjian.accounts.services import user_create

    client.force_login(user_create(username="other", password=None, display_name="乙"))
    evil = client.post(
        reverse("volunteers:join") + "?next=https://evil.example/", {"name": "乙", "phone": "13607330112"}
    )
    assert evil.status_code == 302 and evil["Location"] == reverse("volunteers:me")


def test_a_team_is_run_by_its_community_and_its_members_stay_masked(
    client, world, volunteer, gongdian_member, beiling_staff, gongdian_liaison
):
    from gongjian.volunteers.services import team_create

    team = team_create(name="北岭社区志愿服务队", community=world["beiling"])
    url = reverse("volunteers:team-detail", args=[team.pk])
    client.force_login(gongdian_liaison)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="members"' not in page.text
    assert client.post(url, {"phone": "13907330002"}).status_code == 403
    assert not team.members.exists()
    client.force_login(beiling_staff)
    assert "没有找到该手机号登记的志愿者" in client.post(url, {"phone": "13600000000"}).text
    client.post(url, {"phone": "13807330001", "as_leader": "on"})
    client.post(url, {"phone": "13907330002"})
    team.refresh_from_db()
    assert team.leader == volunteer and set(team.members.all()) == {volunteer, gongdian_member}
    page = client.get(url).text
    assert "138****0001" in page and "13807330001" not in page and "139****0002" in page
