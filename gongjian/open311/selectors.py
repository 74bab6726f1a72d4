"""Reads of the Open311 app. Everything an anonymous Open311 client may read goes through
:func:`gongjian.cases.selectors.public_cases` (what the public may see): a case outside it does not
exist for the API, and no reporter identity ever leaves through it."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from gongjian.core import policy
from gongjian.open311 import mapping
from gongjian.open311.models import ApiKey, Submission

# "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
MAX_REQUESTS = 1000
MAX_SPAN = datetime.timedelta(days=90)


def services_list() -> QuerySet[Any]:
    """The categories an Open311 client may report in (active ones), in catalogue order."""
    from gongjian.cases.models import Category

    return Category.objects.filter(active=True).order_by("klass", "order", "id")


def service_get(*, code: str) -> Any:
    """The active category whose code is ``code``, or None (from the catalogue the process keeps)."""
    from gongjian.cases.reference import category_active

    return category_active(code)


def _public_requests() -> QuerySet[Any]:
    from gongjian.cases.models import CaseEvent, CasePhoto
    from gongjian.cases.selectors import public_cases

    last_note = (
        CaseEvent.objects.filter(case=OuterRef("pk")).exclude(note="").order_by("-created_at", "-id").values("note")[:1]
    )
    first_photo = CasePhoto.objects.filter(case=OuterRef("pk")).order_by("id").values("pk")[:1]
    submitted_media = Submission.objects.filter(case=OuterRef("pk")).values("media_url")[:1]
    return (
        public_cases()
        .select_related("category", "unit", "place")
        .annotate(status_note=Subquery(last_note), photo_id=Subquery(first_photo), media_link=Subquery(submitted_media))
    )


def requests_search(
    *,
    ids: Sequence[str] = (),
    service_codes: Sequence[str] = (),
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    statuses: Sequence[str] = (),
) -> list[Any]:
    """Public cases for ``GET requests``, newest first, at most :data:`MAX_REQUESTS`.

    ``ids`` (case numbers) overrides every other filter, as the specification says. Otherwise
    the cases requested between ``start`` and ``end`` (default: the last 90 days), of the given
    service codes and Open311 statuses (``open``/``closed``)."""
    qs = _public_requests()
    if ids:
        return list(qs.filter(number__in=list(ids))[:MAX_REQUESTS])
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if service_codes:
        qs = qs.filter(category__code__in=list(service_codes))
    wanted = set(statuses)
    if wanted == {mapping.CLOSED}:
        qs = qs.filter(status__in=mapping.closed_statuses())
    elif wanted == {mapping.OPEN}:
        qs = qs.exclude(status__in=mapping.closed_statuses())
    return list(qs.order_by("-created_at", "-id")[:MAX_REQUESTS])


def request_get(*, number: str) -> Any:
    """The public case ``number``, or None."""
    return _public_requests().filter(number=number).first()


def token_get(*, token: str) -> Submission | None:
    """The Open311 submission a token names (its case may since have left public view)."""
    return Submission.objects.select_related("case").filter(token=token).first()


def api_keys(*, user: Any) -> QuerySet[ApiKey]:
    """The keys ``user`` may manage (all of them for the city admin, none for anybody else)."""
    return policy.restrict(ApiKey.objects.select_related("issued_by", "revoked_by"), user, policy.VIEW)
