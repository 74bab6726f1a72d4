"""Writes about accounts: users, memberships and API tokens."""

import datetime
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.models import ApiToken, Membership, Role, User, hash_token
from gongjian.core import audit

TOKEN_LIFETIME = datetime.timedelta(days=30)


@transaction.atomic
def user_create(
    *, username: str, password: str | None, display_name: str = "", email: str = "", phone: str = ""
) -> User:
    """Create an active account (an unusable password when ``password`` is None)."""
    user = User(username=username, display_name=display_name, email=email, phone=phone)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, role: str, unit: Any = None, place: Any = None) -> Membership:
    """Give ``user`` a role at a unit (liaison) or a place (community staff, grid worker, resident)."""
    if role == Role.UNIT_LIAISON and unit is None:
        raise ValidationError({"unit": _("单位联络员必须指定单位。")})
    if role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.RESIDENT) and place is None:
        raise ValidationError({"place": _("该角色必须指定地点。")})
    if role == Role.CITY_ADMIN:
        unit = place = None
    elif role == Role.UNIT_LIAISON:
        place = None
    else:
        unit = None
    membership, _created = Membership.objects.get_or_create(user=user, role=role, unit=unit, place=place)
    if not membership.is_active:
        membership.is_active = True
        membership.save()
    if role == Role.CITY_ADMIN and not user.is_staff:
        # City admins also manage accounts in Django's admin site.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


def token_issue(*, request: HttpRequest, username: str, password: str, name: str = "") -> tuple[str, ApiToken]:
    """Check the credentials (through django-axes, so failures count toward the lockout) and issue
    a token. Returns the raw token, shown once, and its row. Raises ValidationError on failure."""
    # Outside the transaction: axes records a failed attempt while authenticating, and rolling
    # back with the ValidationError below would erase it, so failures would never lock out.
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise ValidationError(_("用户名或密码错误。"), code="invalid_login")
    raw = "gj_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=hash_token(raw),
            prefix=raw[:8],
            name=name[:60],
            expires_at=timezone.now() + TOKEN_LIFETIME,
        )
        with audit.context(
            actor=user, remote_addr=audit.client_ip(request), request_id=getattr(request, "request_id", "")
        ):
            audit.record_event("accounts.token_issued", instance=token, details={"name": name[:60]})
    return raw, token


def token_authenticate(*, raw: str) -> User | None:
    """The active user a live token belongs to, or None; records when the token was last used."""
    if not raw or len(raw) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
