"""Who may see and do what with 先进典型. Candidates, rounds and approved comments are public;
reviewing, moderating, quarantining and publishing belong to the city office alone."""

from typing import Any

from django.db.models import Q, QuerySet

from gongjian.core import policy
from gongjian.rolemodels.models import (
    Comment,
    CommentStatus,
    Nomination,
    NominationPhoto,
    NominationStatus,
    PhoneCode,
    Quarantine,
    Round,
    RoundCandidate,
    Vote,
    Voter,
)

REVIEW = "review"  # approve, return or reject a nomination; moderate comments; quarantine votes


@policy.rule(Nomination)
def nomination_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        # Approved nominations are public candidates; nominators see their own.
        mine = Q(submitted_by_id=scope.user_id) if scope.user_id else Q(pk__in=[])
        return qs.filter(Q(status=NominationStatus.APPROVED) | mine)
    if action == policy.ADD:
        return qs if scope.is_authenticated else qs.none()
    if action == policy.CHANGE and scope.user_id:
        return qs.filter(submitted_by_id=scope.user_id, status=NominationStatus.RETURNED)
    return qs.none()


@policy.rule(NominationPhoto)
def nomination_photo_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        mine = Q(nomination__submitted_by_id=scope.user_id) if scope.user_id else Q(pk__in=[])
        return qs.filter(Q(nomination__status=NominationStatus.APPROVED) | mine)
    return qs.none()


@policy.rule(Round)
def round_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    return qs if action == policy.VIEW else qs.none()


@policy.rule(RoundCandidate)
def round_candidate_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    return qs if action == policy.VIEW else qs.none()


@policy.rule(Comment)
def comment_rule(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if scope.is_city_admin:
        return qs
    if action == policy.VIEW:
        mine = Q(voter__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
        return qs.filter(Q(status=CommentStatus.APPROVED) | mine)
    return qs.none()


def _office_only(scope: policy.Scope, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs if scope.is_city_admin else qs.none()


for _model in (Vote, Voter, Quarantine, PhoneCode):
    policy.rule(_model)(_office_only)
