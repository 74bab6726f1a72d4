"""The 共建工作 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base demo.

The seed's stories are exact where the seed is: 市城发集团's 20+ 万元 for 北岭社区's sewers, septic
tank and paving, and the two pennants of September 2022; 国网株洲供电公司's cable well covers on 23
roads, 21 telecom line tangles and 湘华社区's transformers and poles; 市财政局 and 大岭社区's sewers;
株洲日报社 and 大塘冲社区's square; 市委宣传部's 2023 plan for 天台社区, returned for revision on
8 May. Amounts the seed does not give, and the other units' plans and ledgers (so that the ranking
has a top and a bottom), are plausible filler drawn from ``ctx.rng``.
"""

import datetime
import io
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from gongjian.cobuilding.models import ItemStatus, Plan, PlanItem, ProjectStatus, WorkArea
from gongjian.cobuilding.services import (
    SYSTEM,
    commendation_create,
    contribution_create,
    plan_agree,
    plan_approve,
    plan_create,
    plan_item_add,
    plan_item_update,
    plan_return,
    plan_submit,
    project_create,
    project_photo_add,
)
from gongjian.demo.loader import DemoContext
from gongjian.pairings.models import Pairing

D = datetime.date
A = WorkArea
BASIS = (
    "根据《株洲市%(year)s年“株事有礼·社区联点共建”工作方案》和市文明委关于深化全国文明城市创建的部署要求，"
    "结合%(community)s实际，制定本方案。"
)
SAFEGUARDS = (
    "一是加强组织领导，成立由单位主要负责人任组长的联点共建工作专班；二是落实经费保障；"
    "三是建立与社区的日常联络机制，每月至少走访一次。"
)

# Items other units' plans draw from: (area, what, target, budget in yuan).
ITEM_POOL: list[tuple[str, str, str, int]] = [
    (A.COMMUNITY_BUILDING, "修补背街小巷破损路面", "消除雨天积水点", 30000),
    (A.COMMUNITY_BUILDING, "更换破损下水盖板、窨井盖", "盖板完好率100%", 15000),
    (A.COMMUNITY_BUILDING, "协调安装电动车集中充电设施", "杜绝飞线充电", 40000),
    (A.COMMUNITY_BUILDING, "更新小区健身器材", "新增健身器材一批", 25000),
    (A.SOCIAL_GOVERNANCE, "指导小区成立业主委员会、选聘物业", "无物业小区清零", 0),
    (A.SOCIAL_GOVERNANCE, "干部职工进网格、包楼栋", "收集群众意见建议并逐条回应", 0),
    (A.SOCIAL_GOVERNANCE, "协调整治车辆乱停乱放", "消防通道畅通", 5000),
    (A.VOLUNTEER_SERVICE, "在职党员进社区开展“文明实践微服务”", "每名在职党员每月服务不少于1次", 0),
    (A.VOLUNTEER_SERVICE, "组织志愿者开展卫生大清扫", "每季度不少于1次", 3000),
    (A.CIVIC_VIRTUE, "开展文明养犬、垃圾分类宣传劝导", "入户发放倡议书", 2000),
    (A.CIVIC_VIRTUE, "资助社区“幸福邻里节”活动", "居民参与不少于300人次", 10000),
    (A.PUBLICITY, "更新公益广告、文化墙和宣传栏", "宣传阵地全覆盖", 20000),
    (A.PUBLICITY, "参与“创文进社区”宣传", "居民知晓率95%以上", 3000),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _picture(name: str, kind: str) -> SimpleUploadedFile:
    """A drawn picture (the demo has no real photos): a red pennant, or a street before/after."""
    img = Image.new("RGB", (640, 480), (236, 232, 224))
    draw = ImageDraw.Draw(img)
    if kind == "pennant":
        draw.rectangle((250, 30, 390, 40), fill=(120, 80, 40))
        draw.polygon([(200, 40), (440, 40), (440, 380), (320, 450), (200, 380)], fill=(190, 30, 30))
        draw.rectangle((230, 80, 410, 340), outline=(250, 210, 90), width=6)
    elif kind == "before":
        draw.rectangle((0, 300, 640, 480), fill=(110, 100, 90))
        for x in range(20, 640, 90):
            draw.ellipse((x, 330, x + 70, 360), fill=(70, 80, 60))  # puddles of sewage
    else:
        draw.rectangle((0, 300, 640, 480), fill=(150, 150, 150))
        for x in range(0, 640, 80):
            draw.line((x, 300, x + 40, 480), fill=(200, 200, 200), width=3)  # new paving
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", buf.getvalue(), content_type="image/jpeg")


def _plan(
    pairing: Pairing,
    goals: str,
    items: list[tuple[str, str, str, int, datetime.date, str]],
) -> tuple[Plan, list[PlanItem]]:
    campaign = pairing.campaign
    plan = plan_create(
        pairing=pairing,
        actor=SYSTEM,
        basis=BASIS % {"year": campaign.year, "community": pairing.community.name},
        goals=goals,
        safeguards=SAFEGUARDS,
    )
    made = [
        plan_item_add(
            plan=plan, area=area, title=title, target=target, budget=Decimal(budget), due_on=due, responsible=who
        )
        for area, title, target, budget, due, who in items
    ]
    return plan, made


def _approve(plan: Plan, submitted: datetime.date, agreed: datetime.date, approved: datetime.date) -> None:
    plan_submit(plan=plan, actor=SYSTEM, at=_at(submitted))
    plan_agree(plan=plan, actor=SYSTEM, at=_at(agreed))
    plan_approve(plan=plan, actor=SYSTEM, at=_at(approved))


def _done(item: PlanItem, on: datetime.date) -> None:
    plan_item_update(item=item, status=ItemStatus.DONE, completed_on=on)


def _money(pairing: Pairing, on: datetime.date, yuan: str, what: str, **tie: Any) -> None:
    contribution_create(
        pairing=pairing, actor=SYSTEM, kind="money", made_on=on, amount=Decimal(yuan), description=what, **tie
    )


def _people(pairing: Pairing, on: datetime.date, n: int, what: str, **tie: Any) -> None:
    contribution_create(
        pairing=pairing, actor=SYSTEM, kind="volunteers", made_on=on, person_times=n, description=what, **tie
    )


def _chengfa(ctx: DemoContext) -> None:
    """市城发集团 and 北岭社区, 2022: sewers, a septic tank and paving for 20+ 万元; two pennants."""
    pairing = ctx.pairings[2022]["市城发集团"]
    plan, (sewer, tank, paving, cleanup, board) = _plan(
        pairing,
        "彻底解决新苑小区田心路沿线门店、天心阁下小区下水道淤堵、雨天冒污水问题，改善小区路面和前坪，社区面貌焕然一新。",
        [
            (
                A.COMMUNITY_BUILDING,
                "新苑小区田心路沿线、天心阁下小区下水管道全面改造",
                "下水道不再淤堵、雨天不再冒污水",
                130000,
                D(2022, 7, 31),
                "城市更新公司",
            ),
            (A.COMMUNITY_BUILDING, "新建一个小区化粪池", "化粪池投入使用", 40000, D(2022, 8, 31), "城市更新公司"),
            (
                A.COMMUNITY_BUILDING,
                "硬化小区内破烂不堪的路面、前坪",
                "路面平整、前坪硬化",
                36500,
                D(2022, 9, 15),
                "城市更新公司",
            ),
            (
                A.VOLUNTEER_SERVICE,
                "组织职工志愿者开展文明宣传、摸排整改、卫生大清扫",
                "卫生死角清零",
                0,
                D(2022, 8, 31),
                "集团团委",
            ),
            (
                A.PUBLICITY,
                "在小区设置创文宣传栏",
                "新苑小区、天心阁下小区各一处",
                6000,
                D(2022, 10, 31),
                "集团党群工作部",
            ),
        ],
    )
    _approve(plan, D(2022, 4, 20), D(2022, 4, 25), D(2022, 4, 29))
    _done(sewer, D(2022, 7, 20))
    _done(tank, D(2022, 8, 26))
    _done(paving, D(2022, 9, 8))
    _done(cleanup, D(2022, 8, 18))
    plan_item_update(item=board, status=ItemStatus.IN_PROGRESS, progress=50)
    works = project_create(
        pairing=pairing,
        name="北岭社区下水管道改造",
        description="对新苑小区田心路沿线、天心阁下小区的下水管道进行全面改造。",
        plan_item=sewer,
        budget=Decimal("130000"),
        spent=Decimal("131200"),
        status=ProjectStatus.COMPLETED,
        started_on=D(2022, 6, 1),
        completed_on=D(2022, 7, 20),
    )
    project_photo_add(
        project=works, stage="before", upload=_picture("beiling-before", "before"), caption="雨天冒污水的田心路沿线"
    )
    project_photo_add(project=works, stage="after", upload=_picture("beiling-after", "after"), caption="改造后的路面")
    tank_project = project_create(
        pairing=pairing,
        name="北岭社区新建小区化粪池",
        plan_item=tank,
        budget=Decimal("40000"),
        spent=Decimal("39800"),
        status=ProjectStatus.COMPLETED,
        started_on=D(2022, 7, 25),
        completed_on=D(2022, 8, 26),
    )
    paving_project = project_create(
        pairing=pairing,
        name="北岭社区路面、前坪硬化",
        plan_item=paving,
        budget=Decimal("36500"),
        spent=Decimal("36500"),
        status=ProjectStatus.COMPLETED,
        started_on=D(2022, 8, 29),
        completed_on=D(2022, 9, 8),
    )
    _money(pairing, D(2022, 6, 21), "131200.00", "下水管道改造工程款", project=works)
    _money(pairing, D(2022, 8, 26), "39800.00", "化粪池建设", project=tank_project)
    _money(pairing, D(2022, 9, 8), "36500.00", "路面、前坪硬化", project=paving_project)
    _people(pairing, D(2022, 8, 18), 35, "职工志愿者卫生大清扫", plan_item=cleanup)
    for n, given_by in enumerate(
        ("网格员丁元春和居民代表（赠市城发集团）", "网格员丁元春和居民代表（赠城市更新公司）")
    ):
        commendation_create(
            pairing=pairing,
            actor=SYSTEM,
            kind="pennant",
            text="为民福祉，排忧解难",
            given_on=D(2022, 9, 16),
            given_by=given_by,
            photo=_picture(f"pennant-{n}", "pennant"),
        )
    # 2023: the plan is agreed by the community and waits for the city office.
    pairing23 = ctx.pairings[2023]["市城发集团"]
    plan23, _items = _plan(
        pairing23,
        "巩固北岭社区下水道改造成果，推进田心片区升级改造中的文明创建。",
        [
            (
                A.COMMUNITY_BUILDING,
                "天心阁下小区雨污分流改造",
                "片区无污水外溢",
                80000,
                D(2023, 10, 31),
                "城市更新公司",
            ),
            (A.SOCIAL_GOVERNANCE, "协助新苑小区选聘物业公司", "物业进驻", 0, D(2023, 8, 31), "集团办公室"),
            (
                A.VOLUNTEER_SERVICE,
                "在职党员每月进社区开展“文明实践微服务”",
                "每人每月不少于1次",
                0,
                D(2023, 12, 31),
                "集团党委",
            ),
            (A.CIVIC_VIRTUE, "开展“文明楼栋”评选", "评出文明楼栋5栋", 5000, D(2023, 11, 30), "集团工会"),
            (A.PUBLICITY, "更新小区公益广告", "公益广告全覆盖", 8000, D(2023, 6, 30), "集团党群工作部"),
        ],
    )
    plan_submit(plan=plan23, actor=SYSTEM, at=_at(D(2023, 5, 5)))
    plan_agree(plan=plan23, actor=SYSTEM, comment="同意，请抓紧实施雨污分流改造。", at=_at(D(2023, 5, 8)))
    _people(pairing23, D(2023, 5, 20), 28, "“文明实践微服务”", plan_item=_items[2])
    _money(pairing23, D(2023, 6, 15), "45000.00", "天心阁下小区雨污分流改造（首期）", plan_item=_items[0])
    _people(pairing23, D(2023, 9, 9), 32, "卫生大清扫", plan_item=_items[2])


def _gongdian(ctx: DemoContext) -> None:
    """国网株洲供电公司, 2022: cable well covers on 23 roads, 21 telecom line tangles, and 湘华社区's
    transformers and poles."""
    pairing = ctx.pairings[2022]["国网株洲供电公司"]
    plan, (wells, lines, transformers, safety) = _plan(
        pairing,
        "消除城区主干道电缆井盖板和通信线路安全隐患，改善湘华社区供电设施。",
        [
            (
                A.COMMUNITY_BUILDING,
                "城区23条主干道两旁电缆井盖板全部排查",
                "23条主干道排查全覆盖，破损盖板全部更换",
                180000,
                D(2022, 8, 31),
                "运检部",
            ),
            (
                A.COMMUNITY_BUILDING,
                "21处区域通信线路牵挂问题彻底清理",
                "21处全部清理",
                120000,
                D(2022, 10, 31),
                "供电服务中心",
            ),
            (
                A.COMMUNITY_BUILDING,
                "湘华社区315老式变压器更换、废旧电杆拆除",
                "老式变压器全部更换，废旧电杆全面拆除",
                460000,
                D(2022, 9, 30),
                "供电服务中心",
            ),
            (A.CIVIC_VIRTUE, "开展安全用电进社区宣传", "入户宣传全覆盖", 5000, D(2022, 6, 30), "营销部"),
        ],
    )
    _approve(plan, D(2022, 4, 25), D(2022, 4, 28), D(2022, 5, 6))
    _done(wells, D(2022, 8, 25))
    _done(lines, D(2022, 11, 10))  # late
    _done(transformers, D(2022, 9, 20))
    _done(safety, D(2022, 6, 28))
    for item, name, yuan, start, end in (
        (wells, "城区23条主干道电缆井盖板排查更换", "176500.00", D(2022, 5, 10), D(2022, 8, 25)),
        (lines, "21处区域通信线路牵挂清理", "118000.00", D(2022, 6, 1), D(2022, 11, 10)),
        (transformers, "湘华社区315老式变压器更换及废旧电杆拆除", "463200.00", D(2022, 7, 14), D(2022, 9, 20)),
    ):
        project = project_create(
            pairing=pairing,
            name=name,
            plan_item=item,
            budget=item.budget,
            spent=Decimal(yuan),
            status=ProjectStatus.COMPLETED,
            started_on=start,
            completed_on=end,
        )
        _money(pairing, end, yuan, name, project=project)
    _people(pairing, D(2022, 6, 18), 40, "安全用电宣传志愿者", plan_item=safety)


def _single_project(
    ctx: DemoContext,
    unit: str,
    goals: str,
    item: tuple[str, str, str, int, datetime.date, str],
    spent: str,
    start: datetime.date,
    end: datetime.date,
    people: int,
) -> None:
    pairing = ctx.pairings[2022][unit]
    plan, (work,) = _plan(pairing, goals, [item])
    _approve(plan, D(2022, 5, 5), D(2022, 5, 9), D(2022, 5, 13))
    _done(work, end)
    project = project_create(
        pairing=pairing,
        name=item[1],
        plan_item=work,
        budget=work.budget,
        spent=Decimal(spent),
        status=ProjectStatus.COMPLETED,
        started_on=start,
        completed_on=end,
    )
    _money(pairing, end, spent, item[1], project=project)
    _people(pairing, end, people, "党员志愿者卫生清扫", project=project)


def _propaganda(ctx: DemoContext) -> None:
    """市委宣传部's 2023 plan for 天台社区: submitted, then returned on 8 May to be revised together."""
    pairing = ctx.pairings[2023]["市委宣传部"]
    plan, _items = _plan(
        pairing,
        "聚焦天台社区创文难点、堵点，打造文明实践示范社区。",
        [
            (A.PUBLICITY, "打造社区新时代文明实践站", "建成并常态化运行", 50000, D(2023, 9, 30), "市委宣传部机关党委"),
            (
                A.CIVIC_VIRTUE,
                "开展“株事有礼”文明礼仪进社区",
                "每季度1次",
                6000,
                D(2023, 12, 15),
                "市委宣传部文明创建科",
            ),
            (A.VOLUNTEER_SERVICE, "机关党员结对社区志愿服务队", "每月服务不少于1次", 0, D(2023, 12, 31), "机关党委"),
        ],
    )
    plan_submit(plan=plan, actor=SYSTEM, at=_at(D(2023, 5, 6)))
    plan_return(
        plan=plan,
        actor=SYSTEM,
        comment="5月8日与市委宣传部张莉副部长一行共同商讨：请补充背街小巷环境整治和停车秩序整治内容，明确各事项责任人和完成时限。",
        at=_at(D(2023, 5, 8), 16),
    )


def _others(ctx: DemoContext) -> int:
    """Plausible plans and ledgers for the other units of 2023, from diligent to idle."""
    rng: random.Random = ctx.rng
    seeded = {"市城发集团", "市委宣传部"}
    campaign = next(iter(ctx.pairings[2023].values())).campaign
    n = 0
    for short_name, pairing in sorted(ctx.pairings[2023].items(), key=lambda kv: kv[1].pk):
        if short_name in seeded:
            continue
        effort = rng.random()  # 0 = idle, 1 = exemplary
        if effort < 0.15:
            continue  # no plan, no ledger: the bottom of the ranking
        chosen = rng.sample(ITEM_POOL, k=3 + int(effort * 4))
        items = []
        for area, title, target, budget in chosen:
            due = campaign.starts_on + datetime.timedelta(days=rng.randint(45, 240))
            items.append((area, title, target, budget, min(due, campaign.ends_on), "联点共建工作专班"))
        plan, made = _plan(pairing, f"聚焦{pairing.community.name}群众急难愁盼问题，推动文明创建常态长效。", items)
        n += 1
        if effort > 0.35:
            plan_submit(plan=plan, actor=SYSTEM, at=_at(D(2023, 5, rng.randint(10, 31))))
        if effort > 0.5:
            plan_agree(plan=plan, actor=SYSTEM, at=_at(D(2023, 6, rng.randint(1, 10))))
        if effort > 0.6:
            plan_approve(plan=plan, actor=SYSTEM, at=_at(D(2023, 6, rng.randint(12, 20))))
            for item in made:
                if rng.random() < effort:
                    late = rng.random() > effort
                    on = item.due_on + datetime.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 20))
                    _done(item, max(min(on, D(2023, 12, 31)), campaign.starts_on))
        if effort > 0.25:
            for _ in range(int(effort * 5)):
                item = rng.choice(made)
                day = campaign.starts_on + datetime.timedelta(days=rng.randint(5, 230))
                if rng.random() < 0.6 and item.budget:
                    _money(pairing, day, f"{rng.randint(20, 400) * 100}.00", item.title, plan_item=item)
                else:
                    _people(pairing, day, rng.randint(5, 40), item.title, plan_item=item)
        if effort > 0.9:
            commendation_create(
                pairing=pairing,
                actor=SYSTEM,
                kind=rng.choice(["pennant", "letter"]),
                text="情系社区，共建文明",
                given_on=D(2023, rng.randint(9, 11), rng.randint(1, 28)),
                given_by=f"{pairing.community.name}居民代表",
            )
    return n


def _settled_cases(ctx: DemoContext) -> int:
    """2023 projects of the seed's units settling the resolved cases of their community that the
    cases demo assigned to them (none if the cases demo made none)."""
    from gongjian.cases.models import Case

    linked = 0
    for unit, name in (
        ("市城发集团", "北岭社区2023年诉求集中整改"),
        ("国网株洲供电公司", "湘华社区2023年供电设施整改"),
    ):
        pairing = ctx.pairings[2023][unit]
        campaign = pairing.campaign
        cases = list(
            Case.objects.filter(
                community_id=pairing.community_id,
                unit_id=pairing.unit_id,
                status__in=("resolved", "verified", "closed"),
                resolved_at__date__gte=campaign.starts_on,
                resolved_at__date__lte=campaign.ends_on,
            ).order_by("resolved_at")[:6]
        )
        if not cases:
            continue
        started = timezone.localtime(cases[0].created_at).date()
        project = project_create(
            pairing=pairing,
            name=name,
            description="联点单位对社区群众反映的问题逐件整改销号。",
            status=ProjectStatus.COMPLETED,
            started_on=max(started, campaign.starts_on),
            completed_on=timezone.localtime(cases[-1].resolved_at).date(),  # type: ignore[arg-type]
            cases=cases,
        )
        _money(pairing, project.completed_on, f"{len(cases) * 1800}.00", name, project=project)  # type: ignore[arg-type]
        linked += len(cases)
    return linked


def load(ctx: DemoContext) -> None:
    """The seed's co-building stories and plausible plans and ledgers for the other units."""
    if 2022 not in ctx.pairings or 2023 not in ctx.pairings:
        return
    _chengfa(ctx)
    _gongdian(ctx)
    _single_project(
        ctx,
        "市财政局",
        "彻底解决大岭社区棉纺厂片区脏乱差现象。",
        (A.COMMUNITY_BUILDING, "大岭社区棉纺厂片区下水道改造", "片区下水道畅通", 150000, D(2022, 9, 30), "局办公室"),
        "152300.00",
        D(2022, 6, 1),
        D(2022, 9, 6),
        15,
    )
    _single_project(
        ctx,
        "株洲日报社",
        "用微小项目为大塘冲社区文明创建增色。",
        (
            A.COMMUNITY_BUILDING,
            "大塘冲社区居民休闲小广场",
            "建成一处居民休闲小广场",
            90000,
            D(2022, 10, 31),
            "报社办公室",
        ),
        "88600.00",
        D(2022, 6, 10),
        D(2022, 10, 20),
        10,
    )
    _propaganda(ctx)
    others = _others(ctx)
    linked = _settled_cases(ctx)
    ctx.summary.extra["cobuilding"] = (
        f"{Plan.objects.count()} plans ({others} filler), "
        f"{PlanItem.objects.count()} plan items, seed stories of 6 units, {linked} cases settled by projects"
    )
