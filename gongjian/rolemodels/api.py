"""API: 先进典型 — rounds and their boards, phone verification, votes, comments, and the office's
review, moderation, anomaly report, quarantine and recount.

A vote is ``POST /api/rolemodels/rounds/{id}/votes`` with the header ``X-Voter-Token`` (from
``POST /api/rolemodels/voters/verify``), or the browser's session with its CSRF token. The
token is checked by its signature alone, so a crowd of votes costs no account lookup."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import APIKeyHeader

from gongjian.core import policy
from gongjian.core.api import AUTH, ApiError, Error, Id, Input, SafeText, errors, get_visible
from gongjian.core.audit import client_ip
from gongjian.rolemodels import security, services
from gongjian.rolemodels.models import Comment, Nomination, Round, RoundCandidate
from gongjian.rolemodels.selectors import nomination_list, round_board, round_list

router = Router(tags=["rolemodels"])


class VoterTokenAuth(APIKeyHeader):
    """``X-Voter-Token: <token>``: a signed voter id; no database lookup."""

    param_name = "X-Voter-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        voter_id = security.voter_from_token(key or "")
        if voter_id is None:
            return None
        request.voter_id = voter_id  # type: ignore[attr-defined]
        return voter_id


voter_auth = VoterTokenAuth()


# --- Rounds --------------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    title: str
    categories: list[str]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    votes_per_candidate_per_day: int
    votes_per_day: int
    show_counts_while_open: bool
    results_published_at: datetime.datetime | None


class EntryOut(Schema):
    id: int = Field(description="候选人在本轮中的编号（点赞时使用）")
    candidate: int = Field(description="候选人（推荐）编号")
    name: str
    category: str
    headline: str
    votes: int | None = Field(description="有效票数；评议期间不公开时为 null")
    rank: int | None


class BoardOut(Schema):
    round: RoundOut
    entries: list[EntryOut]
    excluded_votes: int


@router.get("/rounds", response=list[RoundOut], auth=None)
def rounds_list(request: HttpRequest) -> Any:
    """Every round, newest first (public)."""
    return list(round_list(user=request.user))


@router.get("/rounds/{round_id}", response={200: BoardOut} | errors(404), auth=None)
def rounds_board(request: HttpRequest, round_id: Id) -> Any:
    """A round's candidates with their counts (cached live counts while open, if shown)."""
    rnd = get_visible(request, Round.objects.all(), round_id)
    board = round_board(user=request.user, round=rnd)
    return {
        "round": rnd,
        "entries": [
            {
                "id": r.entry.pk,
                "candidate": r.entry.nomination_id,
                "name": r.entry.nomination.nominee_name,
                "category": r.entry.nomination.category,
                "headline": r.entry.nomination.headline,
                "votes": r.votes,
                "rank": r.entry.final_rank if rnd.results_published_at else None,
            }
            for r in board.rows
        ],
        "excluded_votes": board.excluded,
    }


# --- Voters --------------------------------------------------------------------------------------


Phone = Annotated[str, Field(min_length=1, max_length=20), SafeText]


class CodeIn(Input):
    phone: Phone


class CodeOut(Schema):
    phone_hint: str
    expires_in: int


class VerifyIn(Input):
    phone: Phone
    code: Annotated[str, Field(min_length=1, max_length=6), SafeText]
    device: Annotated[str, Field(max_length=64), SafeText] = ""


class VerifyOut(Schema):
    voter: int
    token: str = Field(description="放在 X-Voter-Token 头中用于点赞")


@router.post("/voters/code", response={202: CodeOut} | errors(400, 422), auth=None)
def voters_code(request: HttpRequest, payload: CodeIn) -> Any:
    """Send a one-time code to a phone (limited per phone and per address)."""
    sent = services.code_request(phone=payload.phone, client_ip=client_ip(request))
    return Status(202, {"phone_hint": sent.phone_hint, "expires_in": sent.expires_in})


@router.post("/voters/verify", response={200: VerifyOut} | errors(400, 422), auth=None)
def voters_verify(request: HttpRequest, payload: VerifyIn) -> Any:
    """Check the code; answers the phone's voter and a voter token (one account per phone)."""
    user = request.user if request.user.is_authenticated else None
    voter = services.code_verify(
        phone=payload.phone, code=payload.code, user=user, client_ip=client_ip(request), device=payload.device
    )
    return {"voter": voter.pk, "token": security.voter_token(voter.pk)}


# --- Votes ---------------------------------------------------------------------------------------


class VoteIn(Input):
    candidate: Id = Field(description="候选人在本轮中的编号（entries[].id）")
    challenge_token: Annotated[str, Field(max_length=500), SafeText] = ""
    challenge_answer: Annotated[str, Field(max_length=10), SafeText] = ""


class VoteOut(Schema):
    id: int


class ChallengeOut(Schema):
    question: str
    token: str


class ChallengeError(Error):
    challenge: ChallengeOut


@router.post(
    "/rounds/{round_id}/votes",
    response={201: VoteOut, 429: ChallengeError} | errors(400, 401, 403, 404, 422),
    auth=[voter_auth, *AUTH],
)
def votes_cast(request: HttpRequest, round_id: Id, payload: VoteIn) -> Any:
    """Like a candidate. Refused with the reason (400, nothing stored) after closing, over a daily
    limit, for a candidate outside the round, or from an account without a verified phone; too
    fast from one voter or address answers 429 with a question: send it back answered."""
    voter_id = getattr(request, "voter_id", None)
    if voter_id is None:
        voter = services.voter_for_user(request.user)
        if voter is None:
            raise ApiError(403, _("请先用手机号验证后再点赞。"), [("voter", _("请先用手机号验证后再点赞。"))])
        voter_id = voter.pk
    try:
        vote_id = services.vote_cast(
            round_id=round_id,
            candidate_id=payload.candidate,
            voter_id=voter_id,
            client_ip=client_ip(request),
            device=request.headers.get("X-Device", "")[:64],
            challenge_token=payload.challenge_token,
            challenge_answer=payload.challenge_answer,
        )
    except services.ChallengeRequired as exc:
        return Status(
            429,
            {
                "detail": _("点赞太快了，请回答问题后再试。"),
                "errors": [],
                "challenge": {"question": exc.challenge.question, "token": exc.challenge.token},
            },
        )
    except services.VoteRefused as exc:
        status = 404 if exc.reason == "no_round" else 400
        raise ApiError(status, exc.text, [(next(iter(exc.error_dict)), exc.text)], expected=True) from None
    return Status(201, {"id": vote_id})


# --- Comments ------------------------------------------------------------------------------------


class CommentIn(Input):
    body: Annotated[str, Field(min_length=1, max_length=500), SafeText]


class CommentOut(Schema):
    id: int
    candidate: int
    body: str
    status: str
    created_at: datetime.datetime


@router.post("/entries/{entry_id}/comments", response={201: CommentOut} | errors(400, 401, 404, 422))
def comments_submit(request: HttpRequest, entry_id: Id, payload: CommentIn) -> Any:
    """A verified voter's comment; it shows once the office approves it."""
    entry = get_visible(request, RoundCandidate.objects.select_related("round"), entry_id)
    c = services.comment_submit(user=request.user, entry=entry, body=payload.body, client_ip=client_ip(request))
    return Status(
        201, {"id": c.pk, "candidate": entry.pk, "body": c.body, "status": c.status, "created_at": c.created_at}
    )


class ModerateIn(Input):
    approve: bool
    reason: Annotated[str, Field(max_length=200), SafeText] = ""


@router.post("/comments/{comment_id}/moderate", response={200: CommentOut} | errors(400, 401, 403, 404, 422))
def comments_moderate(request: HttpRequest, comment_id: Id, payload: ModerateIn) -> Any:
    """Office only: show or keep back a pending comment."""
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    c = get_visible(request, Comment.objects.all(), comment_id)
    c = services.comment_moderate(comment=c, actor=request.user, approve=payload.approve, reason=payload.reason)
    return {"id": c.pk, "candidate": c.candidate_id, "body": c.body, "status": c.status, "created_at": c.created_at}


# --- Nominations ---------------------------------------------------------------------------------


class NominationOut(Schema):
    id: int
    category: str
    nominee_name: str
    headline: str
    story: str
    status: str
    nominator_kind: str
    review_reason: str
    created_at: datetime.datetime


class NominationIn(Input):
    nominator_kind: str = Field(pattern="^(community|unit|resident)$")
    nominator_unit: Id | None = None
    nominator_community: Id | None = None
    category: Annotated[str, Field(max_length=20), SafeText]
    nominee_name: Annotated[str, Field(min_length=1, max_length=60), SafeText]
    headline: Annotated[str, Field(min_length=1, max_length=100), SafeText]
    story: Annotated[str, Field(min_length=1, max_length=5000), SafeText]
    community: Id | None = None
    consent_given: bool
    consent_method: Annotated[str, Field(max_length=100), SafeText]


@router.get("/nominations", response=list[NominationOut])
def nominations_list(request: HttpRequest, status: str = "") -> Any:
    """Nominations the user may see (the office: all; others: approved ones and their own)."""
    return list(nomination_list(user=request.user, status=status or None)[:500])


@router.post("/nominations", response={201: NominationOut} | errors(400, 401, 403, 422))
def nominations_submit(request: HttpRequest, payload: NominationIn) -> Any:
    """Nominate on behalf of your community, your unit or yourself, with the nominee's consent."""
    from gongjian.core.api import get_ref
    from gongjian.places.models import Place
    from gongjian.units.models import Unit

    data = payload.model_dump()
    refs = {
        "nominator_unit": (Unit.objects.all(), data.pop("nominator_unit")),
        "nominator_community": (Place.objects.all(), data.pop("nominator_community")),
        "community": (Place.objects.all(), data.pop("community")),
    }
    for name, (qs, pk) in refs.items():
        data[name] = get_ref(request, qs, pk, field=name) if pk else None
    n = services.nomination_submit(actor=request.user, **data)
    return Status(201, n)


class ReviewIn(Input):
    decision: str = Field(pattern="^(approve|return|reject)$")
    reason: Annotated[str, Field(max_length=500), SafeText] = ""


@router.post("/nominations/{nomination_id}/review", response={200: NominationOut} | errors(400, 401, 403, 404, 422))
def nominations_review(request: HttpRequest, nomination_id: Id, payload: ReviewIn) -> Any:
    """Office only: approve, return or reject (with a reason) a nomination."""
    n = get_visible(request, Nomination.objects.all(), nomination_id)
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    return services.nomination_review(nomination=n, actor=request.user, **payload.model_dump())


# --- Integrity (office) ----------------------------------------------------------------------------


class FindingOut(Schema):
    key: str
    kind: str
    title: str
    detail: str
    votes: int
    quarantined: int


class QuarantineIn(Input):
    key: Annotated[str, Field(min_length=1, max_length=200), SafeText] | None = None
    votes: list[Id] | None = Field(None, max_length=100_000)
    reason: Annotated[str, Field(min_length=1, max_length=500), SafeText]


class QuarantineOut(Schema):
    id: int
    vote_count: int
    reason: str
    created_at: datetime.datetime


class CountsOut(Schema):
    counted: int
    excluded: int


def _office_round(request: HttpRequest, round_id: int) -> Round:
    rnd = get_visible(request, Round.objects.all(), round_id)
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    return rnd


@router.get("/rounds/{round_id}/anomalies", response={200: list[FindingOut]} | errors(401, 403, 404))
def rounds_anomalies(request: HttpRequest, round_id: Id) -> Any:
    """Office only: bursts, many accounts from one address or device, machine-regular votes."""
    rnd = _office_round(request, round_id)
    return [
        {
            "key": f.key,
            "kind": f.kind,
            "title": f.title,
            "detail": f.detail,
            "votes": len(f.vote_ids),
            "quarantined": f.quarantined,
        }
        for f in services.round_anomalies(round=rnd)
    ]


@router.post("/rounds/{round_id}/quarantines", response={201: QuarantineOut} | errors(400, 401, 403, 404, 422))
def rounds_quarantine(request: HttpRequest, round_id: Id, payload: QuarantineIn) -> Any:
    """Office only: set aside a finding's votes (``key``) or listed votes, with a reason."""
    rnd = _office_round(request, round_id)
    if payload.key:
        q = services.quarantine_finding(round=rnd, key=payload.key, reason=payload.reason, actor=request.user)
    else:
        q = services.quarantine_votes(
            round=rnd, vote_ids=payload.votes or [], reason=payload.reason, actor=request.user
        )
    return Status(201, q)


@router.post("/rounds/{round_id}/recount", response={200: CountsOut} | errors(401, 403, 404))
def rounds_recount(request: HttpRequest, round_id: Id) -> Any:
    """Office only: recompute every count from the vote rows."""
    rnd = _office_round(request, round_id)
    counts = services.round_recount(round=rnd)
    return {"counted": sum(c for c, _e in counts.values()), "excluded": sum(e for _c, e in counts.values())}
