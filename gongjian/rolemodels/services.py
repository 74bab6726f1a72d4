"""Writes for 先进典型: nominations and their review, rounds, phone-verified voters, votes,
comments and their moderation, quarantines, recounts and published results.

The vote path (:func:`vote_cast`) is built for a crowd: it reads the round's settings from a
short-lived per-process copy, counts rate limits in the shared cache, and writes one INSERT whose
own SELECT picks the vote's slots (on PostgreSQL inside a function that keeps its plan, migration
0005); the database's UNIQUE and CHECK constraints are what hold the daily limits, so concurrent
requests can never store one vote too many.
"""

import datetime
import itertools
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from redis import exceptions as redis_exceptions

from gongjian.core import audit, fastsql, policy
from gongjian.core.ratelimit import hit
from gongjian.core.uploads import clean_photo
from gongjian.places.models import Place, PlaceKind
from gongjian.rolemodels import security
from gongjian.rolemodels.models import (
    MAX_DAILY_VOTES,
    Category,
    Comment,
    CommentStatus,
    Nomination,
    NominationPhoto,
    NominationStatus,
    NominatorKind,
    PhoneCode,
    Quarantine,
    Round,
    RoundCandidate,
    Vote,
    Voter,
)
from gongjian.rolemodels.sms import get_sender
from gongjian.units.models import Unit

MAX_PHOTOS = 6
NOMINATION_FIELDS = ("category", "nominee_name", "headline", "story", "community")
ROUND_FIELDS = (
    "title",
    "description",
    "community",
    "categories",
    "opens_at",
    "closes_at",
    "votes_per_candidate_per_day",
    "votes_per_day",
    "show_counts_while_open",
)


# --- Nominations -------------------------------------------------------------------------------


def nominator_options(user: Any) -> list[tuple[str, Any]]:
    """Whom ``user`` may nominate on behalf of: (kind, unit or community or None)."""
    scope = policy.scope_for(user)
    if not scope.is_authenticated:
        return []
    options: list[tuple[str, Any]] = []
    for community in Place.objects.filter(pk__in=scope.community_ids, kind=PlaceKind.COMMUNITY).order_by("name"):
        options.append((NominatorKind.COMMUNITY, community))
    for unit in Unit.objects.filter(pk__in=scope.unit_ids).order_by("name"):
        options.append((NominatorKind.UNIT, unit))
    options.append((NominatorKind.RESIDENT, None))
    return options


def _office(actor: Any) -> bool:
    """The city office acts (or the system itself: the demo loader and data imports pass None;
    pages and the API always pass the request's user)."""
    return actor is None or policy.is_city_admin(actor)


def _check_nominator(*, actor: Any, kind: str, unit: Unit | None, community: Place | None) -> None:
    if _office(actor):
        # The office records nominations that reach it on paper, for any community or unit.
        if kind == NominatorKind.UNIT and unit is None:
            raise ValidationError({"nominator_unit": _("请选择推荐单位。")})
        if kind == NominatorKind.COMMUNITY and community is None:
            raise ValidationError({"nominator_community": _("请选择推荐社区。")})
        return
    scope = policy.scope_for(actor)
    if not scope.is_authenticated:
        raise ValidationError({"nominator_kind": _("请先登录。")})
    if kind == NominatorKind.UNIT:
        if unit is None or unit.pk not in scope.unit_ids:
            raise ValidationError({"nominator_unit": _("只能以你所在单位的名义推荐。")})
    elif kind == NominatorKind.COMMUNITY:
        if community is None or community.pk not in scope.community_ids:
            raise ValidationError({"nominator_community": _("只能以你所在社区的名义推荐。")})
    elif kind != NominatorKind.RESIDENT:
        raise ValidationError({"nominator_kind": _("推荐方式无效。")})


def _add_photos(nomination: Nomination, photos: Sequence[UploadedFile]) -> None:
    if nomination.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("每条推荐最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}})
    for upload in photos:
        try:
            clean = clean_photo(upload)
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
        NominationPhoto.objects.create(nomination=nomination, image=clean)


@transaction.atomic
def nomination_submit(
    *,
    actor: Any,
    nominator_kind: str,
    category: str,
    nominee_name: str,
    headline: str,
    story: str,
    consent_given: bool,
    consent_method: str,
    community: Place | None = None,
    nominator_unit: Unit | None = None,
    nominator_community: Place | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Nomination:
    """Record a nomination by a community, a unit or a resident, with the nominee's consent; it
    waits for the city office's review."""
    _check_nominator(actor=actor, kind=nominator_kind, unit=nominator_unit, community=nominator_community)
    if not consent_given:
        raise ValidationError({"consent_given": _("须取得被推荐人本人（或其监护人）同意后才能推荐。")})
    if not consent_method.strip():
        raise ValidationError({"consent_method": _("请说明如何取得本人同意（如签字的同意书、电话确认）。")})
    if community is not None and community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("请选择社区。")})
    nomination = Nomination(
        category=category,
        nominee_name=nominee_name.strip(),
        headline=headline.strip(),
        story=story.strip(),
        community=community,
        nominator_kind=nominator_kind,
        nominator_unit=nominator_unit if nominator_kind == NominatorKind.UNIT else None,
        nominator_community=nominator_community if nominator_kind == NominatorKind.COMMUNITY else None,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        consent_given=True,
        consent_method=consent_method.strip(),
        consent_recorded_at=timezone.now(),
    )
    nomination.full_clean(exclude=["submitted_by", "reviewed_by"])
    nomination.save()
    _add_photos(nomination, photos)
    return nomination


@transaction.atomic
def nomination_resubmit(
    *, nomination: Nomination, actor: Any, photos: Sequence[UploadedFile] = (), **fields: Any
) -> Nomination:
    """The nominator's revision of a nomination the office returned; it waits for review again."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.RETURNED:
        raise ValidationError({"status": _("只有被退回的推荐可以修改后重新提交。")})
    if nomination.submitted_by_id != getattr(actor, "pk", None):
        raise ValidationError({"status": _("只有推荐人可以修改。")})
    for key, value in fields.items():
        if key not in NOMINATION_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        setattr(nomination, key, value.strip() if isinstance(value, str) else value)
    nomination.status = NominationStatus.SUBMITTED
    nomination.full_clean(exclude=["submitted_by", "reviewed_by"])
    nomination.save()
    _add_photos(nomination, photos)
    audit.record_event("rolemodels.nomination_resubmitted", instance=nomination)
    return nomination


REVIEW_DECISIONS = {
    "approve": NominationStatus.APPROVED,
    "return": NominationStatus.RETURNED,
    "reject": NominationStatus.REJECTED,
}


@transaction.atomic
def nomination_review(*, nomination: Nomination, actor: Any, decision: str, reason: str = "") -> Nomination:
    """The city office approves (the nominee becomes a public candidate), returns (for changes)
    or rejects a nomination; returning and rejecting need a reason."""
    if not _office(actor):
        raise ValidationError({"decision": _("只有市文明办可以审核推荐。")})
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": _("审核结论无效。")})
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise ValidationError({"reason": _("退回或不通过时须写明理由。")})
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.SUBMITTED:
        raise ValidationError({"decision": _("这条推荐不在待审核状态。")})
    nomination.status = REVIEW_DECISIONS[decision]
    nomination.review_reason = reason[:500]
    nomination.reviewed_by = actor
    nomination.reviewed_at = timezone.now()
    nomination.save()
    audit.record_event(
        "rolemodels.nomination_reviewed", instance=nomination, details={"decision": decision, "reason": reason}
    )
    if nomination.submitted_by_id:
        from gongjian.core.notify import notify

        notify(
            [nomination.submitted_by],
            kind="rolemodels.review",
            title=_("你推荐的“%(name)s”审核结果：%(status)s")
            % {"name": nomination.nominee_name, "status": nomination.get_status_display()},
            body=reason,
            url="",
        )
    return nomination


# --- Rounds ------------------------------------------------------------------------------------


def _check_round(rnd: Round) -> None:
    unknown = [c for c in rnd.categories if c not in Category.values]
    if not rnd.categories or unknown:
        raise ValidationError({"categories": _("请至少选择一个有效的类别。")})
    if rnd.opens_at and rnd.closes_at and rnd.closes_at <= rnd.opens_at:
        raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
    if rnd.votes_per_day < rnd.votes_per_candidate_per_day:
        raise ValidationError({"votes_per_day": _("每天总次数不能少于每位候选人的次数。")})
    if rnd.community is not None and rnd.community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("请选择社区。")})
    rnd.full_clean()


def _set_candidates(rnd: Round, candidates: Iterable[Nomination]) -> None:
    for order, nomination in enumerate(candidates):
        if nomination.status != NominationStatus.APPROVED:
            raise ValidationError({"candidates": _("“%(name)s”尚未通过审核。") % {"name": nomination.nominee_name}})
        if nomination.category not in rnd.categories:
            raise ValidationError(
                {"candidates": _("“%(name)s”的类别不在本轮评议中。") % {"name": nomination.nominee_name}}
            )
        RoundCandidate.objects.get_or_create(round=rnd, nomination=nomination, defaults={"order": order})


@transaction.atomic
def round_create(*, candidates: Iterable[Nomination] = (), **fields: Any) -> Round:
    """Open a round (点赞评议) over some categories with approved candidates."""
    for key in fields:
        if key not in ROUND_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
    rnd = Round(**fields)
    _check_round(rnd)
    rnd.save()
    _set_candidates(rnd, candidates)
    return rnd


@transaction.atomic
def round_update(*, round: Round, candidates: Iterable[Nomination] | None = None, **fields: Any) -> Round:
    """Change a round's settings and candidates. Limits cannot change once votes exist, and a
    candidate with likes or comments cannot leave the round."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    has_votes = Vote.objects.filter(round=rnd).exists()
    for key, value in fields.items():
        if key not in ROUND_FIELDS:
            raise ValidationError({key: _("该字段不可修改。")})
        if has_votes and key in ("votes_per_candidate_per_day", "votes_per_day") and value != getattr(rnd, key):
            raise ValidationError({key: _("已有点赞记录，不能再改次数限制。")})
        setattr(rnd, key, value)
    _check_round(rnd)
    rnd.save()
    if candidates is not None:
        candidates = list(candidates)
        _remove_candidates(rnd, keep={n.pk for n in candidates})
        _set_candidates(rnd, candidates)
    round_config_forget(rnd.pk)
    return rnd


def _remove_candidates(rnd: Round, *, keep: set[int]) -> None:
    """Take out of ``rnd`` the candidates not in ``keep``; one with likes or comments stays (its
    rows are the record of the round), and saying so is an error naming the candidate."""
    leaving = list(
        RoundCandidate.objects.filter(round=rnd).exclude(nomination_id__in=keep).select_related("nomination")
    )
    for entry in leaving:
        if Vote.objects.filter(round=rnd, candidate_id=entry.pk).exists() or entry.comments.exists():
            raise ValidationError(
                {"candidates": _("“%(name)s”已有点赞或评议，不能移出本轮。") % {"name": entry.nomination.nominee_name}}
            )
    for entry in leaving:
        entry.delete()


# --- Voters: phone verification ------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSent:
    phone_hint: str
    expires_in: int


def code_request(*, phone: str, client_ip: str | None) -> CodeSent:
    """Send a one-time code to ``phone``. Limited per phone and per client address (per hour);
    the code is stored only hashed and expires."""
    normal = security.normalize_phone(phone)
    if normal is None:
        raise ValidationError({"phone": _("请输入 11 位手机号码。")})
    digest = security.phone_hash(normal)
    allowed, _retry = hit(key=f"rm-code-phone:{digest}", limit=settings.ROLEMODELS_CODES_PER_PHONE, window=3600)
    if allowed:
        allowed, _retry = hit(key=f"rm-code-addr:{client_ip}", limit=settings.ROLEMODELS_CODES_PER_ADDRESS, window=3600)
    if not allowed:
        raise ValidationError({"phone": _("验证码发送过于频繁，请一小时后再试。")})
    code = security.new_code()
    ttl = settings.ROLEMODELS_CODE_TTL_SECONDS
    with transaction.atomic():
        # A new code replaces any earlier one for this phone.
        PhoneCode.objects.filter(phone_hash=digest, used_at__isnull=True).update(used_at=timezone.now())
        PhoneCode.objects.create(
            phone_hash=digest,
            code_hash=security.code_hash(digest, code),
            expires_at=timezone.now() + datetime.timedelta(seconds=ttl),
            client_ip=client_ip,
        )
    get_sender().send(
        normal, _("【共建】你的验证码是 %(code)s，%(minutes)d 分钟内有效。") % {"code": code, "minutes": ttl // 60}
    )
    return CodeSent(phone_hint=normal[-4:], expires_in=ttl)


def code_verify(*, phone: str, code: str, user: Any = None, client_ip: str | None = None, device: str = "") -> Voter:
    """Check a one-time code and return the phone's voter: the existing account for this phone,
    or ``user``'s account made a voter, or a new voting account. One account per phone; a wrong
    code counts as an attempt, and too many spend the code."""
    normal = security.normalize_phone(phone)
    if normal is None:
        raise ValidationError({"phone": _("请输入 11 位手机号码。")})
    digest = security.phone_hash(normal)
    now = timezone.now()
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=digest, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        if pending.code_hash != security.code_hash(digest, (code or "").strip()):
            pending.attempts += 1
            if pending.attempts >= settings.ROLEMODELS_CODE_MAX_ATTEMPTS:
                pending.used_at = now
            pending.save(update_fields=["attempts", "used_at"])
            spent = pending.used_at is not None
            failure = ValidationError({"code": _("验证码错误次数过多，请重新获取。") if spent else _("验证码不正确。")})
        else:
            failure = None
            pending.used_at = now
            pending.save(update_fields=["used_at"])
    if failure is not None:
        raise failure
    return _voter_for(digest=digest, hint=normal[-4:], user=user, client_ip=client_ip, device=device)


@transaction.atomic
def _voter_for(*, digest: str, hint: str, user: Any, client_ip: str | None, device: str) -> Voter:
    existing = Voter.objects.select_related("user").filter(phone_hash=digest).first()
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if existing is not None:
        if signed_in and existing.user_id != user.pk:
            raise ValidationError({"phone": _("该手机号已绑定另一个账号。")})
        return existing
    if signed_in and Voter.objects.filter(user=user).exists():
        raise ValidationError({"phone": _("你的账号已绑定另一个手机号。")})
    if not signed_in:
        User = get_user_model()
        user = User(username=f"voter-{digest[:12]}", display_name=_("网友%(hint)s") % {"hint": hint})
        user.set_unusable_password()
        user.save()
    try:
        with transaction.atomic():
            voter = Voter.objects.create(
                user=user,
                phone_hash=digest,
                phone_hint=hint,
                verified_at=timezone.now(),
                created_ip=client_ip,
                device_hash=security.device_hash(device),
            )
    except IntegrityError as exc:  # the same phone verified at the same moment elsewhere
        raise ValidationError({"phone": _("该手机号已绑定另一个账号。")}) from exc
    audit.record_event("rolemodels.voter_verified", instance=voter)
    return voter


# --- Votes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundConfig:
    id: int
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    per_candidate: int
    per_day: int
    candidate_ids: frozenset[int]
    loaded: float


_configs: dict[int, RoundConfig] = {}
_configs_lock = threading.Lock()


def round_config(round_id: int) -> RoundConfig | None:
    """The round's voting settings, kept in this process for ROLEMODELS_ROUND_CACHE_SECONDS so
    that a crowd of votes reads them from memory."""
    now = time.monotonic()
    cfg = _configs.get(round_id)
    if cfg is not None and now - cfg.loaded < settings.ROLEMODELS_ROUND_CACHE_SECONDS:
        return cfg
    rnd = Round.objects.filter(pk=round_id).first()
    if rnd is None:
        return None
    cfg = RoundConfig(
        id=rnd.pk,
        opens_at=rnd.opens_at,
        closes_at=rnd.closes_at,
        per_candidate=rnd.votes_per_candidate_per_day,
        per_day=rnd.votes_per_day,
        candidate_ids=frozenset(RoundCandidate.objects.filter(round=rnd).values_list("pk", flat=True)),
        loaded=now,
    )
    with _configs_lock:
        _configs[round_id] = cfg
    return cfg


def round_config_forget(round_id: int | None = None) -> None:
    with _configs_lock:
        if round_id is None:
            _configs.clear()
        else:
            _configs.pop(round_id, None)


class VoteRefused(ValidationError):
    """A vote that was not stored, with the reason (``code``) and a message for the voter."""

    def __init__(self, message: str, code: str, field: str = "candidate") -> None:
        super().__init__({field: ValidationError(message, code=code)})
        self.reason = code
        self.text = message


class ChallengeRequired(Exception):
    """Too many votes from this voter or address in a minute: answer the question to go on."""

    def __init__(self, challenge: security.Challenge) -> None:
        super().__init__(challenge.question)
        self.challenge = challenge


_INSERT_VOTE = """
INSERT INTO rolemodels_vote (round_id, candidate_id, voter_id, day, candidate_slot, day_slot,
    candidate_limit, day_limit, created_at, client_ip, device_hash)
SELECT %s, %s, %s, %s, c.n, d.n, %s, %s, %s, %s, %s
FROM (SELECT COUNT(*) AS n FROM rolemodels_vote
      WHERE round_id = %s AND voter_id = %s AND candidate_id = %s AND day = %s) c,
     (SELECT COUNT(*) AS n FROM rolemodels_vote WHERE round_id = %s AND voter_id = %s AND day = %s) d
WHERE c.n < %s AND d.n < %s
  AND EXISTS (SELECT 1 FROM rolemodels_voter v WHERE v.id = %s AND NOT v.is_blocked)
RETURNING id
"""


# INCR each key, setting its expiry when it is new; one round trip for all the keys.
_COUNT_HITS_LUA = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  out[i] = n
end
return out
"""
_redis_clients: dict[int, Any] = {}


def _redis() -> Any:
    """A Redis client (with the hit-counting script) for the shared cache's connection pool, kept
    for the process: Django's cache builds a new client object, with its table of ~170 response
    callbacks, on every call, which costs more than the round trip. None unless the cache is Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    cache_client: Any = backend._cache  # Django's RedisCacheClient: its pool and client class are private
    pool = cache_client._get_connection_pool(True)
    client = _redis_clients.get(id(pool))
    if client is None:
        client = cache_client._client(connection_pool=pool)
        client.count_hits = client.register_script(_COUNT_HITS_LUA)
        _redis_clients[id(pool)] = client
    return client


_REFUSAL_SQL = """
SELECT EXISTS (SELECT 1 FROM rolemodels_voter v WHERE v.id = %s AND NOT v.is_blocked),
       (SELECT SUM(CASE WHEN candidate_id = %s THEN 1 ELSE 0 END) FROM rolemodels_vote
        WHERE round_id = %s AND voter_id = %s AND day = %s)
"""


def _count_hits(client: Any, keys: list[str], window: int) -> list[int]:
    """Count one hit on each key in the current ``window``-second window, in one Redis round trip."""
    now = int(time.time())
    full = [f"gj:{key}:{now - now % window}" for key in keys]
    return [int(n) for n in _run_count_hits(client, full, window + 5)]


_own_connection = threading.local()


def _run_count_hits(client: Any, keys: list[str], ttl: int) -> Any:
    """The hit-counting script on this thread's own connection to the cache's Redis. Through the
    client, each call checks a connection out of the pool and back (a lock, a fork check, a poll
    of the socket for stray data, metrics) and runs in a retry wrapper: together about as much
    Python as the round trip itself. Anything unusual (no connection yet in this process, a
    broken connection, the script not loaded) goes through the client as before."""
    pool = client.connection_pool
    conn = getattr(_own_connection, "conn", None)
    if conn is None or _own_connection.pool is not pool or _own_connection.pid != os.getpid():
        conn = pool.connection_class(**pool.connection_kwargs)
        _own_connection.conn, _own_connection.pool, _own_connection.pid = conn, pool, os.getpid()
    try:
        conn.send_command("EVALSHA", client.count_hits.sha, len(keys), *keys, ttl)
        return conn.read_response()
    except (redis_exceptions.ConnectionError, redis_exceptions.TimeoutError, OSError):
        conn.disconnect()  # a reply may be half read: start afresh next time
    except redis_exceptions.NoScriptError:
        pass  # Redis restarted or its scripts were flushed: the client loads the script again
    return client.count_hits(keys=keys, args=[ttl])


def _rate_check(*, voter_id: int, client_ip: str | None, challenge_token: str, challenge_answer: str) -> None:
    subjects = [f"voter:{voter_id}", f"addr:{client_ip}"]
    if challenge_token and not security.challenge_solve(
        token=challenge_token, answer=challenge_answer, subjects=subjects
    ):
        raise ChallengeRequired(security.challenge_issue())
    if not settings.RATELIMIT_ENABLED:
        return
    limits = [settings.ROLEMODELS_VOTES_PER_VOTER_MINUTE, settings.ROLEMODELS_VOTES_PER_ADDRESS_MINUTE]
    client = _redis()
    if client is not None:
        counts = _count_hits(client, [f"rm-vote:{s}" for s in subjects], 60)
    else:  # the database or local-memory cache: core.ratelimit, one call per limit
        counts = [
            0 if hit(key=f"rm-vote:{s}", limit=lim, window=60)[0] else lim + 1
            for s, lim in zip(subjects, limits, strict=True)
        ]
    for subject, limit, count in zip(subjects, limits, counts, strict=True):
        if count > limit and not security.challenge_pass_use(subject):
            raise ChallengeRequired(security.challenge_issue())


def _insert_vote(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    # In autocommit (a request) the statement is its own transaction: one round trip, and a
    # constraint violation leaves nothing to roll back. Inside a transaction, a savepoint.
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    # PostgreSQL parses and plans the call once per connection. Run twice, the vote's second copy
    # finds its slot taken and stores nothing: the statement can be the connection's health check.
    with fastsql.prepared_cursor(repeatable=True) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# PostgreSQL: the same INSERT inside a function (migration 0005) that keeps its plan for the
# session, and answers the vote's id or, when nothing was stored, why (one of these codes).
_CAST_VOTE = "SELECT rolemodels_vote_cast(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
_CAST_REFUSALS = {-1: "blocked", -2: "candidate_limit", -3: "daily_limit"}


def vote_cast(
    *,
    round_id: int,
    candidate_id: int,
    voter_id: int,
    client_ip: str | None = None,
    device: str = "",
    challenge_token: str = "",
    challenge_answer: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """Store one like and return its id, or refuse (:class:`VoteRefused`, nothing stored) when
    the round is not open, the candidate is not in it, or a daily limit is used up; ask a
    question (:class:`ChallengeRequired`) when this voter or address votes too fast.

    The limits are held by the INSERT itself: its SELECT numbers the vote among the voter's
    votes that day and inserts nothing when a limit is reached; two concurrent requests that
    pick the same number collide on a UNIQUE constraint, and the loser tries again with the
    winner's row in view; a blocked voter's vote inserts nothing either (a signed token outlives
    the block). Only verified voters reach here: the caller authenticated a signed voter token or
    a session whose account has a verified phone."""
    cfg = round_config(round_id)
    if cfg is None:
        raise VoteRefused(_("该评议不存在。"), "no_round", field="round")
    now = now or timezone.now()
    if now < cfg.opens_at:
        raise VoteRefused(_("评议尚未开始。"), "not_open", field="round")
    if now >= cfg.closes_at:
        raise VoteRefused(_("评议已截止，不能再点赞。"), "closed", field="round")
    if candidate_id not in cfg.candidate_ids:
        raise VoteRefused(_("该候选人不在本轮评议中。"), "not_in_round")
    _rate_check(
        voter_id=voter_id, client_ip=client_ip, challenge_token=challenge_token, challenge_answer=challenge_answer
    )
    day = timezone.localdate(now)
    ops = connection.ops
    day_v = ops.adapt_datefield_value(day)
    # The function's arguments; the plain statement (SQLite) names some of them again.
    params = [
        cfg.id, candidate_id, voter_id, day_v, cfg.per_candidate, cfg.per_day,
        ops.adapt_datetimefield_value(now), client_ip, security.device_hash(device),
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        sql = _CAST_VOTE
    else:
        sql = _INSERT_VOTE
        params += [
            cfg.id, voter_id, candidate_id, day_v,
            cfg.id, voter_id, day_v,
            cfg.per_candidate, cfg.per_day,
            voter_id,
        ]  # fmt: skip
    reason = ""
    for _attempt in range(MAX_DAILY_VOTES + 2):
        try:
            row = _insert_vote(sql, params)
        except IntegrityError:
            continue  # a concurrent vote took this slot: count again
        if row is not None and row[0] > 0:  # the stored vote's id
            return int(row[0])
        reason = _CAST_REFUSALS.get(row[0], "") if row is not None else ""
        break
    else:
        raise VoteRefused(_("投票繁忙，请稍后再试。"), "busy")
    if not reason:
        # Why nothing was stored, in one statement (a crowd's repeated likes all come this way).
        with connection.cursor() as cursor:
            cursor.execute(_REFUSAL_SQL, [voter_id, candidate_id, cfg.id, voter_id, day_v])
            usable, here = cursor.fetchone()
        reason = "blocked" if not usable else "candidate_limit" if (here or 0) >= cfg.per_candidate else "daily_limit"
    if reason == "blocked":
        raise VoteRefused(_("该投票账号已停用，不能点赞。"), "blocked", field="voter")
    if reason == "candidate_limit":
        raise VoteRefused(
            _("今天已为这位候选人点过赞（每天 %(n)d 次），明天再来吧。") % {"n": cfg.per_candidate}, "candidate_limit"
        )
    raise VoteRefused(_("今天的 %(n)d 次点赞已用完，明天再来吧。") % {"n": cfg.per_day}, "daily_limit")


def voter_for_user(user: Any) -> Voter | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Voter.objects.filter(user=user, is_blocked=False).first()


def vote_cast_for_user(*, user: Any, round_id: int, candidate_id: int, **kwargs: Any) -> int:
    """:func:`vote_cast` for a signed-in user, refused (no row) unless the account has a verified phone."""
    voter = voter_for_user(user)
    if voter is None:
        raise VoteRefused(_("请先用手机号验证后再点赞。"), "unverified", field="voter")
    return vote_cast(round_id=round_id, candidate_id=candidate_id, voter_id=voter.pk, **kwargs)


# --- Comments ------------------------------------------------------------------------------------


@transaction.atomic
def comment_submit(*, user: Any, entry: RoundCandidate, body: str, client_ip: str | None = None) -> Comment:
    """A verified voter's comment (评议) on a candidate; it shows once the office approves it."""
    voter = voter_for_user(user)
    if voter is None:
        raise ValidationError({"voter": _("请先用手机号验证后再评议。")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写评议内容。")})
    if len(body) > 500:
        raise ValidationError({"body": _("评议不能超过 500 字。")})
    if not entry.round.is_open():
        raise ValidationError({"round": _("评议不在进行中。")})
    allowed, _retry = hit(key=f"rm-comment:{voter.pk}", limit=5, window=3600)
    if not allowed:
        raise ValidationError({"body": _("评议过于频繁，请稍后再试。")})
    return Comment.objects.create(round=entry.round, candidate=entry, voter=voter, body=body, client_ip=client_ip)


@transaction.atomic
def comment_moderate(*, comment: Comment, actor: Any, approve: bool, reason: str = "") -> Comment:
    """The office shows (approve) or keeps back (reject, with a reason) a pending comment."""
    if not _office(actor):
        raise ValidationError({"status": _("只有市文明办可以审核评议。")})
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.PENDING:
        raise ValidationError({"status": _("这条评议已审核过。")})
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("不通过时须写明理由。")})
    comment.status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.moderation_reason = reason.strip()[:200]
    comment.save()
    return comment


# --- Counts, quarantine, results ------------------------------------------------------------------


def _counts_key(round_id: int) -> str:
    return f"rm:counts:{round_id}"


def counts_from_rows(round_id: int) -> dict[int, tuple[int, int]]:
    """Per candidate entry: (counted votes, quarantined votes), straight from the vote rows."""
    rows = (
        Vote.objects.filter(round_id=round_id)
        .values("candidate_id")
        .annotate(
            counted=Count("id", filter=Q(quarantine__isnull=True)),
            excluded=Count("id", filter=Q(quarantine__isnull=False)),
        )
    )
    return {r["candidate_id"]: (r["counted"], r["excluded"]) for r in rows}


def live_counts(round_id: int) -> dict[int, int]:
    """Counted votes per candidate entry, cached for ROLEMODELS_COUNT_CACHE_SECONDS in the shared
    cache, so a crowd on the page costs one GROUP BY every few seconds, not one per view."""
    key = _counts_key(round_id)
    cached = cache.get(key)
    if cached is not None:
        return {int(k): v for k, v in cached.items()}
    counts = {k: v[0] for k, v in counts_from_rows(round_id).items()}
    cache.set(key, counts, timeout=settings.ROLEMODELS_COUNT_CACHE_SECONDS)
    return counts


@transaction.atomic
def round_recount(*, round: Round) -> dict[int, tuple[int, int]]:
    """Recompute every candidate's counted and excluded votes from the rows, store them on the
    round's entries and refresh the cached live counts. Safe to run at any time."""
    counts = counts_from_rows(round.pk)
    now = timezone.now()
    for entry in RoundCandidate.objects.select_for_update().filter(round=round):
        counted, excluded = counts.get(entry.pk, (0, 0))
        if (entry.votes, entry.excluded_votes) != (counted, excluded) or entry.counted_at is None:
            RoundCandidate.objects.filter(pk=entry.pk).update(votes=counted, excluded_votes=excluded, counted_at=now)
    cache.set(
        _counts_key(round.pk), {k: v[0] for k, v in counts.items()}, timeout=settings.ROLEMODELS_COUNT_CACHE_SECONDS
    )
    audit.record_event(
        "rolemodels.recounted",
        instance=round,
        details={"counted": sum(c for c, _e in counts.values()), "excluded": sum(e for _c, e in counts.values())},
    )
    return counts


@transaction.atomic
def quarantine_votes(
    *, round: Round, vote_ids: Iterable[int], reason: str, actor: Any, finding: str = ""
) -> Quarantine:
    """Set aside votes of ``round`` (those not already set aside) with a reason: they stay as rows
    but no longer count. Only the city office may; recorded in the audit trail."""
    if not _office(actor):
        raise ValidationError({"reason": _("只有市文明办可以隔离选票。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明隔离理由。")})
    ids = sorted({int(i) for i in vote_ids})
    votes = Vote.objects.filter(round=round, pk__in=ids, quarantine__isnull=True)
    q = Quarantine.objects.create(round=round, reason=reason[:500], finding=finding[:40], created_by=actor)
    n = votes.update(quarantine=q)
    if n == 0:
        raise ValidationError({"votes": _("没有可隔离的选票（可能已被隔离）。")})
    q.vote_count = n
    q.save(update_fields=["vote_count"])
    audit.record_event(
        "rolemodels.votes_quarantined", instance=q, details={"votes": n, "finding": finding, "reason": reason}
    )
    round_recount(round=round)
    return q


@transaction.atomic
def quarantine_release(*, quarantine: Quarantine, actor: Any, reason: str) -> Quarantine:
    """Count a quarantine's votes again (the office changed its mind), with a reason."""
    if not _office(actor):
        raise ValidationError({"reason": _("只有市文明办可以撤销隔离。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明撤销理由。")})
    if quarantine.released_at is not None:
        raise ValidationError({"reason": _("已撤销。")})
    n = Vote.objects.filter(quarantine=quarantine).update(quarantine=None)
    quarantine.released_at = timezone.now()
    quarantine.save(update_fields=["released_at"])
    audit.record_event("rolemodels.quarantine_released", instance=quarantine, details={"votes": n, "reason": reason})
    round_recount(round=quarantine.round)
    return quarantine


@transaction.atomic
def round_publish_results(*, round: Round, actor: Any, now: datetime.datetime | None = None) -> Round:
    """After closing: recount from the rows and rank the candidates within each category
    (ties share a rank); the published result states how many votes were excluded."""
    if not _office(actor):
        raise ValidationError({"round": _("只有市文明办可以公布结果。")})
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if not rnd.has_closed(now or timezone.now()):
        raise ValidationError({"round": _("评议截止后才能公布结果。")})
    round_recount(round=rnd)
    entries = list(RoundCandidate.objects.filter(round=rnd).select_related("nomination"))
    by_category: dict[str, list[RoundCandidate]] = {}
    for e in entries:
        by_category.setdefault(e.nomination.category, []).append(e)
    for group in by_category.values():
        group.sort(key=lambda e: -e.votes)
        rank, previous = 0, None
        for position, e in enumerate(group, start=1):
            if e.votes != previous:
                rank, previous = position, e.votes
            RoundCandidate.objects.filter(pk=e.pk).update(final_rank=rank)
    rnd.results_published_at = now or timezone.now()
    rnd.save(update_fields=["results_published_at"])
    audit.record_event("rolemodels.results_published", instance=rnd)
    return rnd


# --- Anomalies -----------------------------------------------------------------------------------

BURST_WINDOW_SECONDS = 600
BURST_MIN_VOTES = 20
BURST_FACTOR = 5
ACCOUNTS_PER_SOURCE = 5
# "New" accounts: verified within this long of each other. Without a window, an address many
# households share (a compound's or a campus's carrier NAT) added up its accounts over weeks.
ACCOUNTS_WINDOW_SECONDS = 3600
REGULAR_MIN_VOTES = 6
REGULAR_MAX_VARIATION = 0.05


@dataclass
class Finding:
    key: str
    kind: str  # burst, accounts_address, accounts_device, regular
    title: str
    detail: str
    vote_ids: list[int] = field(default_factory=list)
    quarantined: int = 0

    @property
    def open_votes(self) -> int:
        return len(self.vote_ids) - self.quarantined


def round_anomalies(*, round: Round) -> list[Finding]:
    """Patterns worth a look: a burst of votes for one candidate, many new accounts verified from
    one address or device, and votes at machine-regular intervals from one address or device.
    Each finding lists its votes, for the office to quarantine with a reason."""
    rows = list(
        Vote.objects.filter(round=round)
        .order_by("created_at", "id")
        .values_list("id", "candidate_id", "voter_id", "created_at", "client_ip", "device_hash", "quarantine_id")
    )
    names = dict(RoundCandidate.objects.filter(round=round).values_list("pk", "nomination__nominee_name"))
    quarantined = {r[0] for r in rows if r[6] is not None}
    findings: list[Finding] = []

    # 1. Bursts: a candidate's votes within any 10-minute window, against its rate elsewhere.
    times: dict[int, list[tuple[float, int]]] = {}
    for vid, cand, _v, at, _ip, _dev, _q in rows:
        times.setdefault(cand, []).append((at.timestamp(), vid))
    for cand, points in times.items():
        span_windows = max(1.0, (points[-1][0] - points[0][0]) / BURST_WINDOW_SECONDS)

        def usual(n: int, total: int = len(points), span: float = span_windows) -> float:
            return (total - n) / span  # the candidate's votes per window, outside a window of n

        def burst(n: int, usual: Callable[[int], float] = usual) -> bool:
            return n >= BURST_MIN_VOTES and n >= BURST_FACTOR * usual(n)

        for i, j in _dense_windows(points, BURST_WINDOW_SECONDS, burst):
            findings.append(
                Finding(
                    key=f"burst:{cand}:{int(points[i][0])}",
                    kind="burst",
                    title=_("集中点赞：%(name)s") % {"name": names.get(cand, cand)},
                    detail=_("%(at)s 起 10 分钟内 %(n)d 票，其余时间平均每 10 分钟 %(usual).1f 票")
                    % {"at": _local(points[i][0]).strftime("%m-%d %H:%M"), "n": j - i, "usual": usual(j - i)},
                    vote_ids=[vid for _t, vid in points[i:j]],
                )
            )

    # 2. Many new accounts from one address or device: at least ACCOUNTS_PER_SOURCE verified within
    # an hour of the first of them (as verified), and their votes here.
    votes_by_voter: dict[int, list[int]] = {}
    for vid, _c, voter, *_rest in rows:
        votes_by_voter.setdefault(voter, []).append(vid)
    voters = Voter.objects.filter(pk__in=votes_by_voter).values_list("pk", "created_ip", "device_hash", "verified_at")
    by_source: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for pk, ip, dev, verified in voters:
        if ip:
            by_source.setdefault(("accounts_address", ip), []).append((verified.timestamp(), pk))
        if dev:
            by_source.setdefault(("accounts_device", dev), []).append((verified.timestamp(), pk))
    for (kind, source), accounts in by_source.items():
        if len(accounts) < ACCOUNTS_PER_SOURCE:
            continue
        accounts.sort()
        for i, j in _dense_windows(accounts, ACCOUNTS_WINDOW_SECONDS, lambda n: n >= ACCOUNTS_PER_SOURCE):
            label = _source_label(("addr:" if kind == "accounts_address" else "dev:") + source)
            findings.append(
                Finding(
                    key=f"{kind}:{source}:{int(accounts[i][0])}",
                    kind=kind,
                    title=(
                        _("同一地址 1 小时内验证了 %(n)d 个账号")
                        if kind == "accounts_address"
                        else _("同一设备 1 小时内验证了 %(n)d 个账号")
                    )
                    % {"n": j - i},
                    detail=_("%(source)s，%(at)s 起")
                    % {"source": label, "at": _local(accounts[i][0]).strftime("%m-%d %H:%M")},
                    vote_ids=sorted(v for _t, pk in accounts[i:j] for v in votes_by_voter[pk]),
                )
            )

    # 3. Machine-regular intervals from one address or one device.
    series: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for vid, _c, _v, at, ip, dev, _q in rows:
        if ip:
            series.setdefault(("regular", f"addr:{ip}"), []).append((at.timestamp(), vid))
        if dev:
            series.setdefault(("regular", f"dev:{dev}"), []).append((at.timestamp(), vid))
    for (kind, source), points in series.items():
        if len(points) < REGULAR_MIN_VOTES:
            continue
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
        mean = statistics.fmean(gaps)
        if mean <= 0:
            continue
        variation = statistics.pstdev(gaps) / mean
        if variation <= REGULAR_MAX_VARIATION:
            findings.append(
                Finding(
                    key=f"{kind}:{source}",
                    kind=kind,
                    title=_("间隔过于规律的点赞"),
                    detail=_("%(source)s：%(n)d 票，平均每 %(gap).1f 秒一票，波动 %(var).1f%%")
                    % {"source": _source_label(source), "n": len(points), "gap": mean, "var": variation * 100},
                    vote_ids=[vid for _t, vid in points],
                )
            )
    for f in findings:
        f.quarantined = sum(1 for v in f.vote_ids if v in quarantined)
    return findings


def _dense_windows(
    points: list[tuple[float, Any]], seconds: float, dense: Callable[[int], bool]
) -> Iterator[tuple[int, int]]:
    """The runs ``points[i:j]`` (sorted by time, in seconds) that lie within ``seconds`` of their
    first point and that ``dense(j - i)`` accepts; after a run the search goes on past its end.
    The window's end only moves forward: one pass over the points."""
    i = j = 0
    while i < len(points):
        j = max(j, i)
        while j < len(points) and points[j][0] < points[i][0] + seconds:
            j += 1
        if dense(j - i):
            yield i, j
            i = j
        else:
            i += 1


def _local(timestamp: float) -> datetime.datetime:
    return timezone.localtime(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))


def _source_label(source: str) -> str:
    kind, _sep, value = source.partition(":")
    if kind == "addr":
        return _("地址 %(ip)s") % {"ip": value}
    return _("设备 %(hash)s") % {"hash": value[:8]}


def quarantine_finding(*, round: Round, key: str, reason: str, actor: Any) -> Quarantine:
    """Quarantine the votes of one finding of :func:`round_anomalies` (found again now, by its key)."""
    if not _office(actor):
        raise ValidationError({"reason": _("只有市文明办可以隔离选票。")})
    finding = next((f for f in round_anomalies(round=round) if f.key == key), None)
    if finding is None:
        raise ValidationError({"key": _("该异常已不存在。")})
    return quarantine_votes(round=round, vote_ids=finding.vote_ids, reason=reason, actor=actor, finding=finding.kind)
