"""The 先进典型 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base demo.

* The May 2023 湖南好人 round (点赞评议 8–23 May) with the seed's two Zhuzhou candidates and their
  stories: likes over the fortnight, one burst from a single address that the office quarantined
  with its reason, and the published result.
* A 最美邻居 round in 北岭社区 with three neighbours nominated by the community and a resident,
  likes and comments (some approved, some waiting for moderation). It stays open so that the demo
  can be tried: the demo resident's phone is already verified.

Nominations, reviews, rounds, comments and the quarantine go through the services; the likes are
written in bulk with their slots numbered as the vote path numbers them."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from gongjian.accounts.models import User
from gongjian.core import policy
from gongjian.demo import data
from gongjian.demo.loader import DemoContext
from gongjian.rolemodels import security, services
from gongjian.rolemodels.models import (
    Category,
    Comment,
    Nomination,
    NominatorKind,
    Quarantine,
    Round,
    RoundCandidate,
    Vote,
    Voter,
)

TZ = ZoneInfo("Asia/Shanghai")
# The demo resident's verified phone (kept only as its hash, like every phone).
RESIDENT_PHONE = "13800000006"

ZHANG_STORY = (
    "张满珍是渌口区博爱志愿者联合会执行会长。2018年初，为了让早起工作的环卫工人安心吃上一口热乎的早餐，"
    "她带领团队发起“环卫工驿站爱心早餐项目”，每天为渌口区当班的环卫工友免费提供爱心早餐，在驿站运营的近5年"
    "时间里，她每年有200天以上的时间都在志愿服务中度过。环卫工驿站爱心早餐项目，已为渌口区300多名环卫工友"
    "提供了12.6万余份免费爱心早餐。"
)
DENG_STORY = (
    "邓成明是炎陵县奎溪乡菜坪村家喻户晓的好丈夫。1988年，妻子黄桂香不慎摔倒导致颈椎神经坏死，失去行动能力。"
    "35年来，邓成明以坚韧的毅力，无微不至地照料妻子，每天给妻子端水喂饭、擦洗身体、按摩护理。为了帮助妻子"
    "打消胡思乱想的念头，他将大到田间修路，小到陈设布置的全部家庭事务都交由妻子做主，让妻子心态变得积极向上，"
    "感觉自己是家庭的主心骨，而不是累赘。"
)
NEIGHBOURS = [
    ("刘桂英", "楼道长刘阿姨：十年帮独居老人买菜送药", "新苑小区3栋的楼道长，十年来每周帮楼里三位独居老人买菜、取药，"
     "疫情期间挨家挨户登记需求，邻居们都叫她“刘妈妈”。"),
    ("王建国", "退休钳工义务修车修锁", "退休后在小区门口摆起“便民修理点”，修自行车、修门锁、磨剪刀，"
     "分文不取，五年修好了一千多件物品。"),
    ("陈秀兰", "“幸福邻里节”的热心组织者", "连续三年牵头组织天心阁下小区的“幸福邻里节”，带着邻居们包饺子、"
     "办百家宴，让新老住户成了熟人。"),
]  # fmt: skip
COMMENTS = [
    ("刘桂英", "刘阿姨帮我家老人拿过好多次药，真心感谢！", True),
    ("王建国", "王师傅修的自行车比新的还好骑。", True),
    ("陈秀兰", "邻里节办得热闹，希望年年都有。", True),
    ("刘桂英", "楼道长辛苦了！", False),
    ("王建国", "支持王师傅！", False),
]


def _at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=TZ)


def _dated(model: Any, pks: list[int], **times: datetime.datetime) -> None:
    """Put the demo's rows at their dates in 2023 (the services stamp them with today)."""
    model.objects.filter(pk__in=pks).update(**times)


def _voters(
    ctx: DemoContext,
    n: int,
    *,
    prefix: str,
    net: str,
    ip: str | None = None,
    verified: datetime.datetime | None = None,
    every: datetime.timedelta = datetime.timedelta(0),
) -> list[Voter]:
    """Phone-verified voting accounts, listed with the demo accounts (demo password), verified at
    ``verified`` (the round's first morning by default), one each ``every``."""
    names = [f"{prefix}{i + 1:02d}" for i in range(n)]
    taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    hashed = make_password(data.DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [User(username=u, display_name=f"网友{u[-4:]}", password=hashed) for u in names if u not in taken]
    )
    ctx.summary.accounts.extend(u.username for u in users)
    ctx.summary.accounts_existing.extend(sorted(taken))
    return Voter.objects.bulk_create(
        [
            Voter(
                user=u,
                phone_hash=security.phone_hash(f"demo:{prefix}:{i}"),
                phone_hint=f"{i:04d}",
                verified_at=(verified or _at(datetime.date(2023, 5, 8), 8)) + i * every,
                created_ip=ip or f"{net}.{i // 200}.{i % 200 + 1}",
            )
            for i, u in enumerate(users)
        ]
    )


def _likes(rnd: Round, plan: list[tuple[Voter, RoundCandidate, datetime.datetime, str]]) -> list[Vote]:
    """Bulk likes, slots numbered per voter per day as :func:`services.vote_cast` numbers them."""
    per_candidate: dict[tuple[int, int, datetime.date], int] = {}
    per_day: dict[tuple[int, datetime.date], int] = {}
    rows = []
    for voter, entry, at, ip in sorted(plan, key=lambda p: p[2]):
        day = at.astimezone(TZ).date()
        c = per_candidate.get((voter.pk, entry.pk, day), 0)
        d = per_day.get((voter.pk, day), 0)
        if c >= rnd.votes_per_candidate_per_day or d >= rnd.votes_per_day:
            continue
        per_candidate[(voter.pk, entry.pk, day)] = c + 1
        per_day[(voter.pk, day)] = d + 1
        rows.append(
            Vote(
                round=rnd, candidate=entry, voter=voter, day=day, candidate_slot=c, day_slot=d,
                candidate_limit=rnd.votes_per_candidate_per_day, day_limit=rnd.votes_per_day, created_at=at,
                client_ip=ip, device_hash="",
            )
        )  # fmt: skip
    return Vote.objects.bulk_create(rows, batch_size=1000)


def _good_person_round(ctx: DemoContext, office: Any) -> tuple[Round, int]:
    zhang = services.nomination_submit(
        actor=office, nominator_kind=NominatorKind.COMMUNITY, nominator_community=ctx.places.get("渌口社区"),
        category=Category.HELPING_OTHERS, nominee_name="张满珍", headline="乐善好施：环卫工驿站爱心早餐",
        story=ZHANG_STORY, community=ctx.places.get("渌口社区"), consent_given=True,
        consent_method="本人签署的推荐同意书（2023-04）",
    )  # fmt: skip
    deng = services.nomination_submit(
        actor=office, nominator_kind=NominatorKind.RESIDENT, category=Category.FILIAL_PIETY, nominee_name="邓成明",
        headline="孝老爱亲：35 年如一日照料瘫痪妻子", story=DENG_STORY, consent_given=True,
        consent_method="本人及家属电话确认（2023-04）",
    )  # fmt: skip
    zhang, deng = (services.nomination_review(nomination=n, actor=office, decision="approve") for n in (zhang, deng))
    asked = _at(datetime.date(2023, 4, 20), 10)
    _dated(Nomination, [zhang.pk, deng.pk], created_at=asked, consent_recorded_at=asked,
           reviewed_at=_at(datetime.date(2023, 4, 28), 15))  # fmt: skip
    rnd = services.round_create(
        title="2023年5月“湖南好人”点赞评议（株洲候选人）",
        description="市民为我市的“湖南好人”候选人点赞评议。评议时间：2023年5月8日至5月23日。",
        categories=[Category.HELPING_OTHERS, Category.FILIAL_PIETY],
        opens_at=_at(datetime.date(2023, 5, 8), 9),
        closes_at=_at(datetime.date(2023, 5, 24), 0),
        votes_per_candidate_per_day=1,
        votes_per_day=2,
        show_counts_while_open=True,
        candidates=[zhang, deng],
    )
    excluded = 0
    if ctx.create_accounts:  # voters are accounts: none without demo accounts
        excluded = _good_person_likes(ctx, rnd, deng, office)
    services.round_publish_results(round=rnd, actor=office, now=_at(datetime.date(2023, 5, 24), 10))
    return rnd, excluded


def _good_person_likes(ctx: DemoContext, rnd: Round, deng: Nomination, office: Any) -> int:
    entries = list(rnd.entries.select_related("nomination"))
    voters = _voters(ctx, 10, prefix="voter-hn", net="10.20")
    plan = []
    for voter in voters:
        for _ in range(ctx.rng.randint(6, 20)):
            day = datetime.date(2023, 5, 8) + datetime.timedelta(days=ctx.rng.randrange(16))
            at = _at(day, ctx.rng.randint(7, 22), ctx.rng.randrange(60), ctx.rng.randrange(60))
            plan.append((voter, ctx.rng.choice(entries), max(at, rnd.opens_at), str(voter.created_ip)))
    _likes(rnd, plan)
    # 2023-05-20 02:13: six accounts verified from one address in the minutes before like 邓成明,
    # one every 9 seconds.
    farm = _voters(
        ctx,
        6,
        prefix="voter-x",
        net="10.66",
        ip="10.66.6.6",
        verified=_at(datetime.date(2023, 5, 20), 2, 11),
        every=datetime.timedelta(seconds=20),
    )
    deng_entry = next(e for e in entries if e.nomination_id == deng.pk)
    _likes(rnd, [(v, deng_entry, _at(datetime.date(2023, 5, 20), 2, 13) + datetime.timedelta(seconds=9 * i),
                  "10.66.6.6") for i, v in enumerate(farm)])  # fmt: skip
    finding = next(f for f in services.round_anomalies(round=rnd) if f.kind == "accounts_address")
    q = services.quarantine_finding(
        round=rnd, key=finding.key, actor=office, reason="同一地址凌晨新注册 6 个账号、每 9 秒一票，判定为刷票"
    )
    _dated(Quarantine, [q.pk], created_at=_at(datetime.date(2023, 5, 20), 9, 30))
    return q.vote_count


def _neighbour_round(ctx: DemoContext, office: Any) -> Round:
    beiling = ctx.places["北岭社区"]
    nominations: list[Nomination] = []
    for i, (name, headline, story) in enumerate(NEIGHBOURS):
        kind = NominatorKind.COMMUNITY if i < 2 else NominatorKind.RESIDENT
        n = services.nomination_submit(
            actor=office, nominator_kind=kind, nominator_community=beiling if kind == NominatorKind.COMMUNITY else None,
            category=Category.BEST_NEIGHBOUR, nominee_name=name, headline=headline, story=story, community=beiling,
            consent_given=True, consent_method="本人签字同意（社区存档）",
        )  # fmt: skip
        nominations.append(services.nomination_review(nomination=n, actor=office, decision="approve"))
    asked = _at(datetime.date(2023, 5, 22), 10)
    _dated(Nomination, [n.pk for n in nominations], created_at=asked, consent_recorded_at=asked,
           reviewed_at=_at(datetime.date(2023, 5, 26), 16))  # fmt: skip
    rnd = services.round_create(
        title="北岭社区“最美邻居”点赞评议",
        description="为身边的好邻居点赞、写评议。评议结果将在“幸福邻里节”上公布。",
        community=beiling,
        categories=[Category.BEST_NEIGHBOUR],
        opens_at=_at(datetime.date(2023, 6, 1), 9),
        # Kept open so that the demo can be tried.
        closes_at=_at(datetime.date(2027, 12, 31), 0),
        votes_per_candidate_per_day=1,
        votes_per_day=3,
        show_counts_while_open=True,
        candidates=nominations,
    )
    if ctx.create_accounts:
        _neighbour_likes_and_comments(ctx, rnd, office)
    return rnd


def _neighbour_likes_and_comments(ctx: DemoContext, rnd: Round, office: Any) -> None:
    entries = {e.nomination.nominee_name: e for e in rnd.entries.select_related("nomination")}
    voters = _voters(ctx, 8, prefix="voter-bl", net="10.21")
    plan = []
    for voter in voters:
        for _ in range(ctx.rng.randint(4, 12)):
            day = datetime.date(2023, 6, 1) + datetime.timedelta(days=ctx.rng.randrange(14))
            plan.append((voter, ctx.rng.choice(list(entries.values())), _at(day, ctx.rng.randint(8, 21)), "10.30.0.1"))
    _likes(rnd, plan)
    for i, (name, body, approve) in enumerate(COMMENTS):
        entry = entries[name]
        c = services.comment_submit(user=voters[i].user, entry=entry, body=body)
        written = _at(datetime.date(2023, 6, 2 + i), 19, 10 * i)
        _dated(Comment, [c.pk], created_at=written)
        if approve:
            services.comment_moderate(comment=c, actor=office, approve=True)
            _dated(Comment, [c.pk], moderated_at=written + datetime.timedelta(hours=14))
    services.round_recount(round=rnd)


def load(ctx: DemoContext) -> None:
    # The office's demo account acts; without it (no demo accounts, or the name was taken by
    # someone else's account) the loader acts as the system.
    office = ctx.users.get("wenmingban")
    if office is not None and not policy.is_city_admin(office):
        office = None
    good, excluded = _good_person_round(ctx, office)
    neighbours = _neighbour_round(ctx, office)
    resident = ctx.users.get("resident")
    if resident is not None and "resident" in ctx.summary.accounts:  # the demo's own, not a taken name
        Voter.objects.create(
            user=resident,
            phone_hash=security.phone_hash(RESIDENT_PHONE),
            phone_hint=RESIDENT_PHONE[-4:],
            verified_at=_at(datetime.date(2023, 6, 1), 8),
        )
    services.round_config_forget()
    votes = Vote.objects.filter(round__in=[good, neighbours]).count()
    ctx.summary.extra["rolemodels"] = (
        f"2 rounds (湖南好人 2023-05, 北岭社区最美邻居), 5 candidates, {votes} likes "
        f"({excluded} quarantined), {Comment.objects.count()} comments"
    )
