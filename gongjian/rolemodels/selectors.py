"""Reads for 先进典型, each through the policy."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gongjian.core import policy
from gongjian.rolemodels.models import (
    Comment,
    CommentStatus,
    Nomination,
    NominationStatus,
    Quarantine,
    Round,
    RoundCandidate,
    Vote,
    Voter,
)
from gongjian.rolemodels.services import live_counts


def nomination_list(*, user: Any, status: str | None = None, category: str | None = None) -> QuerySet[Nomination]:
    """Nominations the user may see: all for the office, approved ones and their own for others."""
    qs = policy.restrict(Nomination.objects.all(), user, policy.VIEW).select_related(
        "nominator_unit", "nominator_community", "community"
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs


def candidate_list(*, user: Any) -> QuerySet[Nomination]:
    """Approved nominations (public candidates), newest first, with their photo counts."""
    return nomination_list(user=user, status=NominationStatus.APPROVED).annotate(photo_count=Count("photos"))


def round_list(*, user: Any) -> QuerySet[Round]:
    return policy.restrict(Round.objects.all(), user, policy.VIEW).annotate(candidate_count=Count("entries"))


def round_current() -> Round | None:
    """The round open now, else the one that closed last."""
    now = timezone.now()
    return (
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at").first()
        or Round.objects.filter(closes_at__lte=now).order_by("-closes_at").first()
    )


@dataclass
class BoardRow:
    entry: RoundCandidate
    votes: int | None  # None while counts are hidden
    comments: list[Comment]


@dataclass
class Board:
    round: Round
    rows: list[BoardRow]
    counts_shown: bool
    total: int | None
    excluded: int


def round_board(*, user: Any, round: Round) -> Board:
    """A round's candidates with their counts (live and cached while open; the published final
    counts after results are out) and their approved comments. Counts are hidden while the round
    is open if it says so, except to the office."""
    entries = list(
        policy.restrict(RoundCandidate.objects.filter(round=round), user, policy.VIEW)
        .select_related("nomination", "nomination__community")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(status=CommentStatus.APPROVED).select_related("voter__user"),
                to_attr="shown_comments",
            )
        )
    )
    published = round.results_published_at is not None
    show = published or round.show_counts_while_open or policy.is_city_admin(user) or round.has_closed()
    counts = {e.pk: e.votes for e in entries} if published else (live_counts(round.pk) if show else {})
    rows = [BoardRow(entry=e, votes=counts.get(e.pk, 0) if show else None, comments=e.shown_comments) for e in entries]  # type: ignore[attr-defined]
    # Grouped by category in the round's order of categories; within one, by rank once published.
    position = {c: i for i, c in enumerate(round.categories)}

    def place(r: BoardRow) -> tuple[int, int, int]:
        within = (r.entry.final_rank or 999) if published else 0
        return position.get(r.entry.nomination.category, 99), within, r.entry.order

    rows.sort(key=place)
    excluded = sum(e.excluded_votes for e in entries) if published else 0
    return Board(
        round=round,
        rows=rows,
        counts_shown=show,
        total=sum(r.votes or 0 for r in rows) if show else None,
        excluded=excluded,
    )


def comments_pending(*, user: Any) -> QuerySet[Comment]:
    return (
        policy.restrict(Comment.objects.filter(status=CommentStatus.PENDING), user, policy.VIEW)
        .select_related("candidate__nomination", "round", "voter__user")
        .order_by("created_at")
    )


def quarantine_list(*, user: Any, round: Round) -> QuerySet[Quarantine]:
    return policy.restrict(Quarantine.objects.filter(round=round), user, policy.VIEW).select_related("created_by")


def round_totals(*, round: Round) -> dict[str, int]:
    return Vote.objects.filter(round=round).aggregate(
        counted=Count("id", filter=Q(quarantine__isnull=True)),
        excluded=Count("id", filter=Q(quarantine__isnull=False)),
        voters=Count("voter", distinct=True),
    )


@dataclass
class DayUsage:
    per_candidate: dict[int, int]
    total: int
    left: int  # likes left today in the round


def voter_day_usage(*, voter: Voter, round: Round) -> DayUsage:
    """The voter's likes in ``round`` today (Asia/Shanghai day), per candidate entry and in all:
    one indexed query, so the page can say which candidates they already liked."""
    rows = (
        Vote.objects.filter(round=round, voter=voter, day=timezone.localdate())
        .values("candidate_id")
        .annotate(n=Count("id"))
    )
    per_candidate = {r["candidate_id"]: r["n"] for r in rows}
    total = sum(per_candidate.values())
    return DayUsage(per_candidate=per_candidate, total=total, left=max(0, round.votes_per_day - total))
