"""The seed's problems as demo cases, replayed through the services at their own dates (April and
May 2023), then generated ones like them in the seed's communities. The demo stands "as of"
2023-05-09 18:00: some cases are closed and rated, some wait for checking, some are overdue."""

import datetime
import io
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from gongjian.cases import services
from gongjian.cases.models import Case, Category
from gongjian.demo.loader import DemoContext
from gongjian.places.models import Place

AS_OF = datetime.datetime(2023, 5, 9, 18, 0)
SEED_COMMUNITIES = ["北岭社区", "湘华社区", "大岭社区", "大塘冲社区", "小湖塘社区", "月桂社区", "天台社区"]


@dataclass
class Seed:
    category: str
    place: str
    description: str
    reported: datetime.datetime
    address: str = ""
    priority: str = "normal"
    reporter: str = ""  # a demo username, or "" for an anonymous resident
    reporter_name: str = ""
    reporter_phone: str = ""
    # (step, hours after the report, argument): accept, dispatch (unit short name or ""), start,
    # resolve (note), verify, send_back (reason), rate ("5:comment"), reject (reason), me_too (count)
    steps: list[tuple[str, float, str]] = field(default_factory=list)
    photo: str = ""  # a drawn "before" photo: sewer, cover, station, cable


def _at(day: int, hour: int, month: int = 5) -> datetime.datetime:
    return datetime.datetime(2023, month, day, hour, 0)


SEEDS: list[Seed] = [
    Seed(
        "sewer",
        "新苑小区",
        "田心路沿线门店门口的下水道一下雨就往外冒污水，气味很大，门店都没法做生意。",
        _at(27, 9, 4),
        address="田心路新苑小区沿街门店",
        priority="high",
        reporter="beiling-grid",
        steps=[
            ("accept", 1, ""),
            ("dispatch", 2, "市城发集团"),
            ("start", 20, "组织工程技术人员现场勘查，制定下水管道改造方案。"),
            ("me_too", 30, "6"),
            (
                "resolve",
                220,
                "投入20多万元对新苑小区田心路沿线、天心阁下小区的下水管道进行全面改造，新建一个小区化粪池，"
                "彻底解决下水道堵塞外溢问题。",
            ),
            ("verify", 226, "雨后复查，管道通畅，无外溢。"),
            ("rate", 230, "5:市城发集团办了件大实事，感谢！"),
        ],
        photo="sewer",
    ),
    Seed(
        "drain-cover",
        "天心阁下小区",
        "小区入口的雨水井盖碎了一块，晚上看不清，已经有老人差点踩空。",
        _at(3, 8),
        address="天心阁下小区入口",
        priority="urgent",
        reporter_name="陈大爷",
        reporter_phone="13807330012",
        steps=[
            ("accept", 0.5, ""),
            ("dispatch", 0.7, "市城发集团"),
            ("start", 1.5, "已设置警示围挡。"),
            ("resolve", 3.5, "更换为防坠落井盖并加装防坠网。"),
            ("verify", 5, ""),
            ("rate", 8, "4:处理很快，井盖周边路面再平整一下更好。"),
        ],
        photo="cover",
    ),
    Seed(
        "garbage-station",
        "田心社区",
        "田心社区垃圾中转站臭味很重，渗滤液流到路边，夏天快到了更严重。",
        _at(4, 10),
        address="田心社区垃圾中转站",
        reporter_name="刘女士",
        reporter_phone="13973300021",
        steps=[
            ("accept", 2, ""),
            ("dispatch", 3, "市城管执法局"),
            ("start", 26, "已安排每日冲洗两次，正在联系设备厂家更换渗滤液收集装置。"),
            ("me_too", 40, "11"),
        ],
        photo="station",
    ),
    Seed(
        "road-damage",
        "湘华新村",
        "湘华新村门口的路面坑坑洼洼，下雨积水，电动车经过很危险。",
        _at(5, 15),
        address="湘华新村大门至金山路段",
        reporter_name="周先生",
        steps=[("accept", 3, ""), ("dispatch", 4, "市城发集团")],
    ),
    Seed(
        "flying-cable",
        "新苑小区",
        "新苑小区3栋有住户从五楼窗户拉电线下来给电动车充电，线就挂在过道上。",
        _at(6, 20),
        address="新苑小区3栋",
        priority="high",
        reporter="resident",
        steps=[
            ("accept", 12, ""),
            ("dispatch", 12.5, ""),
            ("start", 14, "联合社区上门劝导。"),
            ("resolve", 30, "已劝导住户拆除飞线，并在小区新建电动车集中充电桩10个。"),
        ],
        photo="cable",
    ),
    Seed(
        "illegal-parking",
        "湘华新村",
        "湘华社区金山路口车辆乱停，把消防通道堵了，早晚高峰出不去。",
        _at(7, 8),
        address="金山路与湘华新村路口",
        reporter_name="",
        steps=[("accept", 2, ""), ("me_too", 6, "3")],
    ),
    Seed(
        "fitness",
        "供电宿舍小区",
        "供电宿舍小区的健身器材（太空漫步机）断了一根轴，小孩在上面玩很危险。",
        _at(28, 16, 4),
        address="供电宿舍小区活动广场",
        reporter_name="黄阿姨",
        steps=[
            ("accept", 2, ""),
            ("dispatch", 3, "国网株洲供电公司"),
            ("start", 20, ""),
            ("resolve", 70, "联点单位国网株洲供电公司出资更换损坏器材，并对其余器材做了检修。"),
            ("verify", 90, ""),
            ("rate", 100, "5:联点单位真心为居民办事。"),
        ],
    ),
    Seed(
        "traffic-hazard",
        "建设社区",
        "建设路加油站出口车辆直接横穿马路，没有减速带和提示牌，几次差点撞到行人。",
        _at(9, 9),
        address="建设路加油站出口",
        priority="high",
        reporter_name="匿名",
    ),
    Seed(
        "water-supply",
        "棉纺厂小区",
        "棉纺厂小区的自来水这几天有点发黄，不知道能不能喝，请有关部门检测一下。",
        _at(2, 7),
        address="棉纺厂小区2栋",
        reporter_name="王女士",
        reporter_phone="13574100033",
        steps=[
            ("accept", 1, ""),
            ("dispatch", 2, "市住建局"),
            ("start", 5, "已联系供水公司取样送检。"),
            (
                "resolve",
                50,
                "水样检测各项指标符合国家生活饮用水卫生标准；发黄系老旧管道所致，已冲洗管网，并列入改造计划。",
            ),
            ("verify", 60, ""),
            ("rate", 70, "3:能喝就放心了，希望管道早点改造。"),
        ],
    ),
]

# Generated cases: (category, what was reported) in the seed's communities.
FILLER: list[tuple[str, str]] = [
    ("exposed-garbage", "楼道口堆了很多建筑垃圾，好几天没人清理。"),
    ("illegal-parking", "小区门口人行道上停满了车，推婴儿车只能走马路。"),
    ("street-lamp", "小区主干道的路灯坏了三盏，晚上一片漆黑。"),
    ("drain-cover", "人行道上的井盖松动，踩上去咣当响。"),
    ("sewer", "雨后单元门口积水，下水口被落叶堵住了。"),
    ("flying-cable", "一楼住户从窗户拉线给电动车充电。"),
    ("street-vending", "早上菜贩占道摆摊，人车混行。"),
    ("road-damage", "小区内道路塌陷了一块，有安全隐患。"),
    ("fitness", "健身路径的单杠松动了。"),
    ("greenery", "绿化带被踩出一条路，草坪全秃了。"),
    ("telecom-line", "楼外墙上网线、电话线缠成一团，垂到二楼窗口。"),
    ("power-line", "路边电箱门坏了，里面的电线露在外面。"),
]
DEPTHS = ["reported", "accepted", "dispatched", "in_progress", "resolved", "verified", "closed"]
DEPTH_WEIGHTS = [2, 1, 2, 3, 2, 2, 8]


def _drawn(kind: str, after: bool = False) -> SimpleUploadedFile:
    """A drawn picture of the problem (the demo has no real photos)."""
    img = Image.new("RGB", (800, 600), (200, 196, 186) if not after else (214, 222, 214))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 420, 800, 600), fill=(110, 106, 98))
    if kind in ("sewer", "cover"):
        draw.ellipse((300, 440, 500, 520), fill=(50, 50, 50) if not after else (90, 90, 90))
        if not after:
            draw.polygon([(330, 470), (420, 450), (390, 500)], fill=(150, 140, 120))
            draw.ellipse((180, 500, 640, 590), fill=(88, 96, 70))  # overflow
    elif kind == "station":
        draw.rectangle((200, 180, 600, 420), fill=(120, 140, 120))
        draw.ellipse((240, 400, 700, 470), fill=(90, 84, 60))
    elif kind == "cable":
        draw.rectangle((250, 40, 550, 420), fill=(230, 226, 218), outline=(120, 120, 120), width=4)
        draw.line((420, 120, 470, 300, 520, 480), fill=(20, 20, 20), width=4)
        draw.rectangle((480, 460, 640, 540), fill=(40, 90, 160))  # an e-bike
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"{kind}{'-after' if after else ''}.jpg", buf.getvalue(), content_type="image/jpeg")


def _near(place: Place, salt: str, spread: str = "0.0012") -> tuple[Decimal | None, Decimal | None]:
    if place.latitude is None or place.longitude is None:
        return None, None

    def jitter(value: Decimal, key: str) -> Decimal:
        fraction = Decimal(zlib.crc32(f"{salt}{key}".encode()) % 2001 - 1000) / 1000
        return (value + Decimal(spread) * fraction).quantize(Decimal("0.000001"))

    return jitter(place.latitude, "lat"), jitter(place.longitude, "lng")


class _Actors:
    """Who takes each step: the demo's people where they exist, else the city admin."""

    def __init__(self, ctx: DemoContext) -> None:
        self.users = ctx.users
        self.admin = ctx.users.get("wenmingban")
        self.liaisons = {"市城发集团": ctx.users.get("chengfa"), "国网株洲供电公司": ctx.users.get("gongdian")}

    def handler(self, case: Case) -> Any:
        if case.community.name == "北岭社区":
            return self.users.get("beiling-grid") or self.admin
        return self.admin

    def worker(self, case: Case) -> Any:
        unit = case.unit.short_name if case.unit else ""
        return self.liaisons.get(unit) or self.admin


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _play(ctx: DemoContext, case: Case, start: datetime.datetime, steps: list[tuple[str, float, str]]) -> None:
    """Take the steps in order up to the demo's "now"; a step nobody in the demo may take (an
    account that was there before the demo, without its role) ends the case's story there."""
    end = _local(AS_OF)
    for step, hours, arg in steps:
        moment = _local(start + datetime.timedelta(hours=hours))
        if moment > end:
            break
        try:
            _step(ctx, case, moment, step, arg)
        except PermissionDenied:
            break


def _step(ctx: DemoContext, case: Case, moment: datetime.datetime, step: str, arg: str) -> None:
    actors = _Actors(ctx)
    with services.clock_at(moment):
        if step == "accept":
            services.case_accept(case=case, actor=actors.handler(case))
        elif step == "reject":
            services.case_reject(case=case, actor=actors.handler(case), reason=arg)
        elif step == "dispatch":
            unit = ctx.units[arg] if arg else None
            services.case_dispatch(case=case, actor=actors.handler(case), unit=unit)
        elif step == "start":
            services.case_start(case=case, actor=actors.worker(case), note=arg)
        elif step == "resolve":
            photos = [_drawn(case.category.code if case.category.code != "drain-cover" else "cover", after=True)]
            services.case_resolve(case=case, actor=actors.worker(case), note=arg, photos=photos)
        elif step == "verify":
            services.case_verify(case=case, actor=actors.handler(case), note=arg)
        elif step == "send_back":
            services.case_send_back(case=case, actor=actors.handler(case), reason=arg)
        elif step == "rate":
            stars, _sep, comment = arg.partition(":")
            services.case_rate(case=case, rating=int(stars), comment=comment)
        elif step == "me_too":
            for i in range(int(arg)):
                services.case_me_too(case=case, client_ip=f"192.0.2.{i + 1}")


def load_cases(ctx: DemoContext, categories: dict[str, Category]) -> int:
    """Report and move the demo cases; returns how many there are."""
    people = ctx.create_accounts
    count = 0
    for i, seed in enumerate(SEEDS):
        place = ctx.places[seed.place]
        lat, lng = _near(place, f"seed{i}", "0.0004")
        with services.clock_at(_local(seed.reported)):
            case = services.case_report(
                category=categories[seed.category],
                description=seed.description,
                place=place,
                lat=lat,
                lng=lng,
                address=seed.address,
                photos=[_drawn(seed.photo)] if seed.photo else [],
                reporter=ctx.users.get(seed.reporter) if seed.reporter else None,
                reporter_name=seed.reporter_name,
                reporter_phone=seed.reporter_phone,
                source=Case.Source.GRID if seed.reporter == "beiling-grid" else Case.Source.PUBLIC,
                priority=seed.priority,
            )
        if people:
            _play(ctx, case, seed.reported, seed.steps)
        count += 1

    rng = ctx.rng
    estates = {
        name: [p for p in ctx.places.values() if p.parent_id == ctx.places[name].pk] for name in SEED_COMMUNITIES
    }
    first, last = datetime.datetime(2023, 4, 26, 8), datetime.datetime(2023, 5, 9, 12)
    span_hours = int((last - first).total_seconds() // 3600)
    for n in range(36):
        community = SEED_COMMUNITIES[n % len(SEED_COMMUNITIES)]
        code, text = FILLER[rng.randrange(len(FILLER))]
        place = rng.choice(estates[community] or [ctx.places[community]])
        reported = first + datetime.timedelta(hours=rng.randrange(span_hours))
        lat, lng = _near(place, f"filler{n}")
        with services.clock_at(_local(reported)):
            case = services.case_report(
                category=categories[code],
                description=text,
                place=place,
                lat=lat,
                lng=lng,
                source=Case.Source.PUBLIC if rng.random() < 0.6 else Case.Source.GRID,
                priority=rng.choice(["normal", "normal", "normal", "high"]),
            )
        count += 1
        if not people:
            continue
        depth = rng.choices(DEPTHS, weights=DEPTH_WEIGHTS)[0]
        hours = case.category.deadline_hours(case.priority)
        fix = hours * rng.choice([0.3, 0.5, 0.8, 1.4])  # some late
        plan: list[tuple[str, float, str]] = [
            ("accept", 1 + rng.random() * 3, ""),
            ("dispatch", 4 + rng.random() * 2, ""),
            ("start", 8, ""),
            ("resolve", 8 + fix, "已按要求处置完毕。"),
            ("verify", 10 + fix, ""),
            ("rate", 20 + fix, f"{rng.choice([5, 5, 4, 4, 3, 2])}:"),
        ]
        _play(ctx, case, reported, plan[: DEPTHS.index(depth)])
    # The deadline job as it stood at the demo's "now": warnings and escalations marked.
    with services.clock_at(_local(AS_OF)):
        services.cases_deadlines_run(at=_local(AS_OF))
    return count
