"""The 志愿服务 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base demo.

Every unit's in-service party members (several for the seed's units, a few for the others), each
unit's 文明实践微服务 morning in its paired community in May 2023, community activities in the
seed's communities, and hours approved by the organisers, so that May's compliance is neither 0 %
nor 100 %; and three activities around the day of loading, so that the public list has something to
sign up for and a QR code to scan. Volunteers and activities go through the services; the many
attendance rows of a whole month are written in bulk (with their audit entries) to keep the step to a few seconds."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Model
from django.utils import timezone

from gongjian.accounts.services import user_create
from gongjian.core import audit
from gongjian.demo import data
from gongjian.demo.loader import DemoContext
from gongjian.places.models import Place
from gongjian.units.models import Unit
from gongjian.volunteers import checkin
from gongjian.volunteers.models import Activity, ActivityKind, ServiceRecord, Signup, Volunteer
from gongjian.volunteers.protect import id_number_with_check
from gongjian.volunteers.selectors import hour_rule_current
from gongjian.volunteers.services import (
    activity_create,
    compute_hours,
    record_entry_add,
    scan,
    signup_create,
    team_create,
    volunteer_create,
)

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力志宏亮俊峰晨欣怡佳雪琳婷宇浩然子轩梓涵思远嘉欣一鸣"
)
SEED_UNITS = [short for short, _community in data.SEED_PAIRINGS]
PARTY_PER_SEED_UNIT = 8
PARTY_PER_UNIT = 3
SERVED_SHARE = 0.62  # of party members who served in May 2023
TZ = datetime.timezone(datetime.timedelta(hours=8))
MAY_SATURDAYS = [6, 13, 20, 27]
REGISTERED = datetime.datetime(2023, 4, 20, 10, tzinfo=TZ)
COMMUNITY_ACTIVITIES = [
    (ActivityKind.CLEAN_UP, "小区环境卫生大扫除", 8, 30, 11, 0),
    (ActivityKind.PUBLICITY, "“创文进社区”入户宣传", 14, 30, 17, 0),
    (ActivityKind.CIVIC_GUIDANCE, "路口文明交通劝导", 7, 30, 9, 30),
]


def _name(rng: random.Random, i: int) -> str:
    surname = SURNAMES[i % len(SURNAMES)]
    return surname + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2023, 5, day, hour, minute, tzinfo=TZ)


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    pairings_2023 = ctx.pairings[2023]
    counter = iter(range(1, 100_000))

    def new_volunteer(*, unit: Unit | None = None, community: Place | None = None, party: bool) -> Volunteer:
        i = next(counter)
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 14000))
        id_number = id_number_with_check(f"430202{birth:%Y%m%d}{i % 1000:03d}") if i % 3 else ""
        return volunteer_create(
            name=_name(rng, i),
            phone=f"1397331{i:04d}",
            id_number=id_number,
            is_party_member=party,
            unit=unit,
            community=community,
        )

    # The demo account `volunteer`: an in-service party member of 市城发集团 living in 北岭社区.
    chengfa = ctx.units["市城发集团"]
    beiling = ctx.places["北岭社区"]
    demo_user = None
    if ctx.create_accounts:
        from gongjian.accounts.models import User

        if User.objects.filter(username="volunteer").exists():
            ctx.summary.accounts_existing.append("volunteer")
        else:
            demo_user = user_create(username="volunteer", password=None, display_name="刘志愿")
            demo_user.password = make_password(data.DEMO_PASSWORD)
            demo_user.save(update_fields=["password"])
            ctx.summary.accounts.append("volunteer")
    demo_volunteer = volunteer_create(
        name="刘志愿",
        phone="13973310000",
        id_number=id_number_with_check("43020219880606001"),
        is_party_member=True,
        unit=chengfa,
        community=beiling,
        user=demo_user,
    )

    # Party members of every unit, living around the unit's paired community.
    members: dict[str, list[Volunteer]] = {}
    communities = [p for p in ctx.places.values() if p.kind == "community"]
    for short, unit in ctx.units.items():
        paired = pairings_2023[short].community if short in pairings_2023 else rng.choice(communities)
        n = PARTY_PER_SEED_UNIT if short in SEED_UNITS else PARTY_PER_UNIT
        members[short] = [
            new_volunteer(unit=unit, community=paired if rng.random() < 0.5 else rng.choice(communities), party=True)
            for _i in range(n)
        ]
    members["市城发集团"].insert(0, demo_volunteer)

    # Residents volunteering in the seed's communities, with a team each.
    seed_communities = [ctx.places[c] for _u, c in data.SEED_PAIRINGS]
    residents: dict[int, list[Volunteer]] = {}
    teams = 0
    for community in seed_communities:
        residents[community.pk] = [new_volunteer(community=community, party=False) for _i in range(6)]
        team = team_create(name=f"{community.name}志愿服务队", community=community, leader=residents[community.pk][0])
        team.members.add(*residents[community.pk])
        teams += 1
    Volunteer.objects.update(created_at=REGISTERED)  # registered before the month they are counted in

    rule = hour_rule_current()
    organiser = ctx.users.get("wenmingban")
    signups: list[Signup] = []
    records: list[ServiceRecord] = []
    approved_at = _at(31, 18)

    def attend(activity: Activity, volunteer: Volunteer, *, status: str = ServiceRecord.Status.APPROVED) -> None:
        signups.append(Signup(activity=activity, volunteer=volunteer, status=Signup.Status.CONFIRMED))
        late = datetime.timedelta(minutes=rng.choice([0, 0, 5, 10, 20]))
        early = datetime.timedelta(minutes=rng.choice([0, 0, 0, 10, 30]))
        checked_in, checked_out = activity.starts_at + late, activity.ends_at - early
        declined = status == ServiceRecord.Status.DECLINED
        records.append(
            ServiceRecord(
                volunteer=volunteer,
                activity=activity,
                community=activity.community,
                checked_in_at=checked_in,
                checked_out_at=checked_out,
                check_in_method=ServiceRecord.Method.QR,
                check_out_method=ServiceRecord.Method.QR,
                hours=compute_hours(checked_in_at=checked_in, checked_out_at=checked_out, rule=rule),
                status=status,
                decline_reason="签到后未参加服务，提前离开" if declined else "",
                reviewed_at=approved_at if status != ServiceRecord.Status.PENDING else None,
            )
        )

    # Each unit's micro-service morning in its paired community; some members serve, some do not.
    activities = 0
    served = 0
    party_total = 0
    for short, unit in ctx.units.items():
        if short not in pairings_2023:
            continue
        # 市城发集团's morning is on the 20th, clear of the 6 May clean-up its demo volunteer also joins.
        day = 20 if short == "市城发集团" else rng.choice(MAY_SATURDAYS)
        activity = activity_create(
            actor=organiser,
            title=f"{unit.display_name}在职党员“文明实践微服务”",
            kind=ActivityKind.MICRO_SERVICE,
            organiser_unit=unit,
            community=pairings_2023[short].community,
            address=f"{pairings_2023[short].community.name}党群服务中心",
            starts_at=_at(day, 9),
            ends_at=_at(day, 11, 30),
            capacity=len(members[short]) + 5,
            description="清理楼道杂物、整治乱张贴、入户宣传文明创建知识。",
        )
        activities += 1
        for volunteer in members[short]:
            party_total += 1
            if volunteer is demo_volunteer or rng.random() < SERVED_SHARE:
                pending = short in SEED_UNITS and rng.random() < 0.15
                attend(
                    activity,
                    volunteer,
                    status=ServiceRecord.Status.PENDING if pending else ServiceRecord.Status.APPROVED,
                )
                served += 1
            elif rng.random() < 0.3:  # signed up, never came
                signups.append(Signup(activity=activity, volunteer=volunteer, status=Signup.Status.NO_SHOW))

    # Community activities in the seed's communities, every Saturday of May.
    for community in seed_communities:
        for n, day in enumerate(MAY_SATURDAYS[:3]):
            kind, title, h1, m1, h2, m2 = COMMUNITY_ACTIVITIES[n]
            activity = activity_create(
                actor=organiser,
                title=f"{community.name}{title}",
                kind=kind,
                organiser_community=community,
                community=community,
                starts_at=_at(day, h1, m1),
                ends_at=_at(day, h2, m2),
                capacity=8,
            )
            activities += 1
            for volunteer in rng.sample(residents[community.pk], 4):
                attend(activity, volunteer)
    # The demo volunteer also cleaned up in 北岭社区 (and one record was declined, with its reason).
    beiling_cleanup = Activity.objects.filter(community=beiling, kind=ActivityKind.CLEAN_UP).first()
    if beiling_cleanup is not None:
        attend(beiling_cleanup, demo_volunteer)
        attend(beiling_cleanup, residents[beiling.pk][5], status=ServiceRecord.Status.DECLINED)

    # Keep only one row per (activity, volunteer): a resident sampled twice for the same activity is not possible,
    # but the demo volunteer might already be among the clean-up's people; drop duplicates in order.
    seen: set[tuple[int, int]] = set()
    unique_records = []
    for record in records:
        key = (record.activity_id or 0, record.volunteer_id)
        if key not in seen:
            seen.add(key)
            unique_records.append(record)
    seen_signups: set[tuple[int, int]] = set()
    unique_signups = []
    for signup in signups:
        key = (signup.activity_id, signup.volunteer_id)
        if key not in seen_signups:
            seen_signups.add(key)
            unique_signups.append(signup)
    audit.record_bulk_create(list[Model](Signup.objects.bulk_create(unique_signups, batch_size=500)))
    audit.record_bulk_create(list[Model](ServiceRecord.objects.bulk_create(unique_records, batch_size=500)))

    record_entry_add(
        volunteer=demo_volunteer,
        kind="training",
        happened_on=datetime.date(2023, 4, 28),
        title="新时代文明实践志愿者通用培训",
        issuer="株洲市文明办",
        actor=None,
    )
    record_entry_add(
        volunteer=demo_volunteer,
        kind="evaluation",
        happened_on=datetime.date(2023, 5, 31),
        title="5 月服务评价：优秀",
        issuer="北岭社区",
        actor=None,
    )

    upcoming = _upcoming(ctx, chengfa=chengfa, beiling=beiling, members=members, residents=residents)

    volunteers = Volunteer.objects.count()
    hours = sum((r.hours for r in unique_records if r.status == ServiceRecord.Status.APPROVED), Decimal("0"))
    ctx.summary.extra["volunteers"] = (
        f"{volunteers} volunteers ({party_total} in-service party members), {teams} teams, {activities} activities "
        f"in May 2023, {len(unique_records)} service records ({hours} approved hours); May compliance "
        f"{served}/{party_total} ({served * 100 // max(party_total, 1)} %); {upcoming} activities open for sign-up now"
    )


def _upcoming(
    ctx: DemoContext,
    *,
    chengfa: Unit,
    beiling: Place,
    members: dict[str, list[Volunteer]],
    residents: dict[int, list[Volunteer]],
) -> int:
    """Activities around the day the demo is loaded, so the public list is never empty: one under
    way now (its QR code can be scanned; three of 市城发集团's members already checked in), one a
    few days ahead with places, and one already full with a waitlist. The May 2023 month above
    stays the reference month of the figures and tests."""
    now = timezone.now()
    local = timezone.localtime(now)
    # 08:00 today (or yesterday, before 08:30) to 18:00 two days on: under way for a day and a half at least.
    start_now = local.replace(hour=8, minute=0, second=0, microsecond=0)
    if local < start_now + datetime.timedelta(minutes=30):
        start_now -= datetime.timedelta(days=1)
    ahead = (local + datetime.timedelta(days=4)).replace(hour=9, minute=0, second=0, microsecond=0)
    organiser = ctx.users.get("wenmingban")
    under_way = activity_create(
        actor=organiser,
        title=f"{beiling.name}创文攻坚周文明劝导值守",
        kind=ActivityKind.CIVIC_GUIDANCE,
        organiser_unit=chengfa,
        community=beiling,
        address=f"{beiling.name}党群服务中心门口",
        starts_at=start_now,
        ends_at=start_now + datetime.timedelta(days=2, hours=10),
        capacity=30,
        description="连续值守：劝导电动车规范停放、清理小广告。到场后扫描现场二维码签到，离开时再扫码签退。",
    )
    for volunteer in members["市城发集团"][1:4]:
        scan(
            activity=under_way,
            volunteer=volunteer,
            token=checkin.token_for(under_way.pk, now),
            actor=None,
            now=now,
        )
    xianghua = ctx.places.get("湘华社区", beiling)
    open_places = activity_create(
        actor=organiser,
        title=f"{xianghua.name}楼道杂物清理",
        kind=ActivityKind.CLEAN_UP,
        organiser_community=xianghua,
        community=xianghua,
        address=f"{xianghua.name}居委会",
        starts_at=ahead,
        ends_at=ahead + datetime.timedelta(hours=2, minutes=30),
        capacity=12,
        description="清理楼道堆放的杂物，张贴消防安全提示。请穿方便劳动的衣服。",
    )
    for volunteer in residents.get(xianghua.pk, [])[:4]:
        signup_create(activity=open_places, volunteer=volunteer, actor=None, now=now)
    full = activity_create(
        actor=organiser,
        title=f"{beiling.name}关爱独居老人上门服务",
        kind=ActivityKind.CARE,
        organiser_community=beiling,
        community=beiling,
        address=f"{beiling.name}居委会",
        starts_at=ahead + datetime.timedelta(days=1, hours=5),
        ends_at=ahead + datetime.timedelta(days=1, hours=7),
        capacity=3,
        description="两人一组上门看望独居老人，检查用电用气安全。",
    )
    for volunteer in residents.get(beiling.pk, [])[:5]:  # three places, then two on the waitlist
        signup_create(activity=full, volunteer=volunteer, actor=None, now=now)
    return 3
