"""Reads of the audit trail."""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from gongjian.core import audit, policy
from gongjian.core.models import AuditEntry


def audit_content_types() -> list[ContentType]:
    """The content types of audited models, for the search form."""
    by_model = ContentType.objects.get_for_models(*audit.registered_models())  # one query, whatever the count
    return sorted(by_model.values(), key=lambda ct: (ct.app_label, ct.model))


def audit_search(
    *,
    user: Any,
    q: str = "",
    actor: str = "",
    content_type_id: int | None = None,
    object_id: str = "",
    action: str = "",
    remote_addr: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read (the city admin only), newest first, filtered."""
    qs = policy.restrict(AuditEntry.objects.all(), user, policy.VIEW).select_related("content_type", "actor")
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(event__icontains=q) | Q(request_id=q))
    if actor:
        qs = qs.filter(Q(actor_repr__icontains=actor) | Q(actor__username=actor))
    if content_type_id:
        qs = qs.filter(content_type_id=content_type_id)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if remote_addr:
        qs = qs.filter(remote_addr=remote_addr)
    if date_from:
        qs = qs.filter(timestamp__date__gte=date_from)
    if date_to:
        qs = qs.filter(timestamp__date__lte=date_to)
    return qs
