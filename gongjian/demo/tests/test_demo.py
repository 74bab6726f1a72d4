"""The Zhuzhou demo holds what the seed page says. The demo is loaded once for this module (in a
transaction rolled back at the end); each test runs in its own savepoint on top of it."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count

from gongjian.accounts.models import Membership, Role, User
from gongjian.core.models import AuditEntry
from gongjian.demo import data
from gongjian.demo.loader import DemoSummary, load_demo
from gongjian.pairings.models import Campaign, Pairing, Visit
from gongjian.pairings.selectors import campaign_progress
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_demo(create_accounts=True)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _campaign(year: int) -> Campaign:
    return Campaign.objects.get(year=year)


def _community(name: str) -> Place:
    return Place.objects.select_related("parent__parent").get(kind=PlaceKind.COMMUNITY, name=name)


def test_it_has_the_five_districts_of_zhuzhou() -> None:
    districts = Place.objects.filter(kind=PlaceKind.DISTRICT).values_list("name", flat=True)
    assert sorted(districts) == sorted(["荷塘区", "芦淞区", "石峰区", "天元区", "渌口区"])
    assert Place.objects.filter(kind=PlaceKind.COMMUNITY).count() >= 100


@pytest.mark.parametrize(
    ("community", "subdistrict", "district"),
    [
        ("北岭社区", "田心街道", "石峰区"),
        ("湘华社区", "金山街道", "荷塘区"),
        ("大岭社区", "泰山路街道", "天元区"),
        ("天台社区", "泰山路街道", "天元区"),
        ("大塘冲社区", "贺家土街道", "芦淞区"),
        ("小湖塘社区", "嵩山路街道", "天元区"),
        ("月桂社区", "宋家桥街道", "荷塘区"),
    ],
)
def test_it_puts_the_seeds_communities_under_their_subdistricts(
    community: str, subdistrict: str, district: str
) -> None:
    place = _community(community)
    assert place.parent is not None and place.parent.parent is not None
    assert (place.parent.kind, place.parent.name) == (PlaceKind.SUBDISTRICT, subdistrict)
    assert (place.parent.parent.kind, place.parent.parent.name) == (PlaceKind.DISTRICT, district)
    assert place.full_name() == f"{district}{subdistrict}{community}"


def test_it_has_beilings_estates_grids_and_buildings() -> None:
    beiling = _community("北岭社区")
    estates = Place.objects.filter(parent=beiling).values_list("kind", "name")
    assert set(estates) == {(PlaceKind.ESTATE, "新苑小区"), (PlaceKind.ESTATE, "天心阁下小区")}
    grid = Place.objects.get(name="北岭社区第一网格")
    assert grid.kind == PlaceKind.GRID and grid.parent is not None and grid.parent.name == "新苑小区"
    assert grid.children.filter(kind=PlaceKind.BUILDING).exists()
    assert grid.path.startswith(beiling.path)


def test_it_gives_districts_and_communities_coordinates_near_zhuzhou() -> None:
    for place in Place.objects.filter(kind__in=[PlaceKind.DISTRICT, PlaceKind.SUBDISTRICT, PlaceKind.COMMUNITY]):
        assert place.latitude is not None and place.longitude is not None, place.name
        assert Decimal("27.5") < place.latitude < Decimal("28.1"), place.name
        assert Decimal("112.9") < place.longitude < Decimal("113.4"), place.name


def test_it_names_units_in_full_with_their_short_names() -> None:
    assert Unit.objects.count() == 111
    kexie = Unit.objects.get(short_name="市科协")
    assert (kexie.name, kexie.head_name, kexie.head_title) == ("株洲市科学技术协会", "谭智勇", "党组书记")
    canlian = Unit.objects.get(short_name="市残联")
    assert (canlian.head_name, canlian.head_title) == ("李克武", "党组书记、理事长")
    assert Unit.objects.get(short_name="市城发集团").name == "株洲市城市发展集团有限公司"
    assert Unit.objects.get(short_name="国网株洲供电公司").kind == UnitKind.CENTRAL_IN_CITY
    assert Unit.objects.get(short_name="市税务局").name == "国家税务总局株洲市税务局"
    assert Unit.objects.filter(kind=UnitKind.CIVILIZED_UNIT).exists()


def test_it_pairs_111_units_in_2023_and_88_in_2022_each_once() -> None:
    for year, expected in ((2023, 111), (2022, 88)):
        pairings = Pairing.objects.filter(campaign__year=year)
        assert pairings.count() == expected
        assert pairings.values("unit").distinct().count() == expected
    # 2022 was the city's own departments (and the two the seed credits with 2022's results).
    kinds_2022 = Pairing.objects.filter(campaign__year=2022).values_list("unit__kind", flat=True)
    others = [k for k in kinds_2022 if k not in (UnitKind.CITY_DEPARTMENT, UnitKind.PEOPLES_ORGANISATION)]
    assert len(others) == 2
    # Mostly one unit per community.
    per_community = Pairing.objects.filter(campaign__year=2023).values("community").annotate(n=Count("id"))
    assert sum(1 for row in per_community if row["n"] > 1) <= 5


@pytest.mark.parametrize(
    ("unit", "community", "years"),
    [
        ("市城发集团", "北岭社区", (2022, 2023)),
        ("国网株洲供电公司", "湘华社区", (2022, 2023)),
        ("市财政局", "大岭社区", (2022, 2023)),
        ("株洲日报社", "大塘冲社区", (2022, 2023)),
        ("市残联", "小湖塘社区", (2023,)),
        ("市科协", "月桂社区", (2023,)),
        ("市委宣传部", "天台社区", (2023,)),
    ],
)
def test_it_pairs_the_seeds_units_with_the_seeds_communities(unit: str, community: str, years: tuple[int, ...]) -> None:
    for year in years:
        pairing = Pairing.objects.get(campaign__year=year, unit__short_name=unit)
        assert pairing.community == _community(community)


def test_it_dates_the_campaigns_as_the_seed_does() -> None:
    c2023 = _campaign(2023)
    assert (c2023.name, c2023.starts_on, c2023.ends_on) == (
        "株事有礼·社区联点共建",
        datetime.date(2023, 4, 26),
        datetime.date(2023, 12, 31),
    )
    assert _campaign(2022).starts_on.year == 2022


def test_it_has_58_units_visited_by_9_may_2023() -> None:
    campaign = _campaign(2023)
    before = campaign_progress(campaign=campaign, as_of=datetime.date(2023, 4, 25))
    assert (before.visited_units, before.paired_units) == (0, 111)
    may9 = campaign_progress(campaign=campaign, as_of=datetime.date(2023, 5, 9))
    assert (may9.visited_units, may9.paired_units) == (58, 111)
    year_end = campaign_progress(campaign=campaign, as_of=campaign.ends_on)
    assert year_end.visited_units == data.VISITED_UNITS_BY_2023_12_31 < 111
    assert 0 < campaign_progress(campaign=_campaign(2022), as_of=datetime.date(2022, 12, 31)).visited_units <= 88


def test_it_records_the_seeds_2023_visits() -> None:
    canlian = Visit.objects.get(pairing__unit__short_name="市残联", visited_on=datetime.date(2023, 4, 26))
    assert canlian.led_by_head and canlian.leader_name == "李克武"
    assert canlian.pairing.community.name == "小湖塘社区"
    kexie = Visit.objects.get(pairing__unit__short_name="市科协", visited_on=datetime.date(2023, 5, 8))
    assert kexie.led_by_head and kexie.leader_name == "谭智勇"
    for problem in ("垃圾中转站臭气熏天", "飞线充电", "健身器材损坏", "自来水存在卫生安全隐患"):
        assert problem in kexie.findings
    assert "共商共建计划" in kexie.actions
    xuanchuan = Visit.objects.get(pairing__unit__short_name="市委宣传部", visited_on=datetime.date(2023, 5, 8))
    assert not xuanchuan.led_by_head and xuanchuan.leader_name == "张莉"
    assert "天台社区共建工作实施方案" in xuanchuan.actions
    for unit in data.REPEAT_VISITORS_2023:  # “多次对接”
        n = Visit.objects.filter(
            pairing__campaign__year=2023, pairing__unit__short_name=unit, visited_on__lte=datetime.date(2023, 5, 9)
        ).count()
        assert n >= 2, unit


def test_it_records_chengfas_2022_sewer_work_in_beiling() -> None:
    visits = Visit.objects.filter(pairing__campaign__year=2022, pairing__unit__short_name="市城发集团")
    assert visits.filter(findings__contains="下水道经常淤堵", pairing__community__name="北岭社区").exists()
    assert visits.filter(actions__contains="20多万元").exists()
    assert visits.filter(photos__isnull=False).count() == 1


def test_it_keeps_every_visit_within_its_campaign_on_a_working_day() -> None:
    same_day = Visit.objects.values("pairing", "visited_on").annotate(n=Count("id")).filter(n__gt=1)
    assert not same_day.exists()
    for visit in Visit.objects.select_related("pairing__campaign"):
        campaign = visit.pairing.campaign
        assert campaign.starts_on <= visit.visited_on <= campaign.ends_on
        day = visit.visited_on
        assert (day.weekday() < 5 and day not in data.HOLIDAYS) or day in data.MAKEUP_WORKDAYS, day


@pytest.mark.parametrize(
    ("username", "role", "unit", "place"),
    [
        ("wenmingban", Role.CITY_ADMIN, None, None),
        ("chengfa", Role.UNIT_LIAISON, "市城发集团", None),
        ("gongdian", Role.UNIT_LIAISON, "国网株洲供电公司", None),
        ("beiling-staff", Role.COMMUNITY_STAFF, None, "北岭社区"),
        ("beiling-grid", Role.GRID_WORKER, None, "北岭社区第一网格"),
        ("resident", Role.RESIDENT, None, "新苑小区"),
    ],
)
def test_it_creates_demo_accounts_with_their_memberships(
    username: str, role: str, unit: str | None, place: str | None
) -> None:
    user = User.objects.get(username=username)
    assert user.check_password(data.DEMO_PASSWORD)
    assert user.display_name
    membership = Membership.objects.select_related("unit", "place").get(user=user)
    assert membership.role == role and membership.is_active
    assert (membership.unit.short_name if membership.unit else None) == unit
    assert (membership.place.name if membership.place else None) == place
    assert user.is_staff == (role == Role.CITY_ADMIN)


def test_it_names_beilings_grid_worker_as_the_seed_does() -> None:
    assert User.objects.get(username="beiling-grid").display_name == "丁元春"


def test_it_writes_the_load_to_the_audit_trail() -> None:
    entries = AuditEntry.objects.filter(request_id="load_demo")
    assert entries.filter(action="create").count() > 100
    assert entries.filter(event="demo.loaded").count() == 1
