"""Notifications: one call tells people something, in the app and by email.

    notify(users, kind="cases.dispatched", title=..., body=..., url=case_url)

Each recipient gets a :class:`~gongjian.core.models.Notification` (the bell in the top bar, the
page ``/notifications/``) and, if they have an email address, one email through Django's mailer
(the console backend by default). Emails are sent after the surrounding transaction commits, so a
rolled-back change never mails anybody; a failing mail server never undoes the change.
"""

import datetime
import functools
import logging
import operator
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils.functional import Promise

from gongjian.core import fastsql
from gongjian.core.models import Notification

log = logging.getLogger(__name__)


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each distinct active user in ``recipients`` (None entries are skipped)."""
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    made = [Notification(recipient=u, kind=kind, title=str(title)[:200], body=str(body), url=url[:300]) for u in people]
    if fastsql.deferring():  # written with the rest of the caller's batch
        rows = [fastsql.insert(n, defer=True) for n in made]
    else:
        rows = Notification.objects.bulk_create(made)
    if email:
        # Each row is known by its recipient, kind and time (a queued row has no id yet).
        addressed = [(n.recipient_id, n.created_at, u.email) for n, u in zip(rows, people, strict=True) if u.email]
        if addressed:
            fastsql.on_commit(lambda: _send(addressed, kind, str(title), str(body), url))
    return rows


def _send(targets: list[tuple[int, datetime.datetime, str]], kind: str, title: str, body: str, url: str) -> None:
    text = body + (f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else "")
    sent = []
    for recipient, at, address in targets:
        try:
            send_mail(title, text, None, [address], fail_silently=False)
            sent.append(Q(recipient_id=recipient, created_at=at))
        except Exception:  # a mail server that is down must not break the work that notified
            log.exception("notification email to %s failed", address)
    if sent:
        Notification.objects.filter(functools.reduce(operator.or_, sent), kind=kind).update(emailed=True)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
