"""API: bearer tokens and the signed-in user."""

import datetime
import math
from typing import Annotated, cast

from axes.helpers import get_cool_off
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from gongjian.accounts.models import ApiToken, Membership, hash_token
from gongjian.accounts.selectors import user_memberships
from gongjian.accounts.services import token_issue, token_revoke
from gongjian.core import policy
from gongjian.core.api import ApiError, Input, SafeText, bearer_auth, errors
from gongjian.core.audit import client_ip
from gongjian.core.ratelimit import hit as ratelimit_hit

router = Router(tags=["auth"])


class TokenIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=150), SafeText]
    password: Annotated[str, Field(min_length=1, max_length=128), SafeText]
    name: Annotated[str, Field(max_length=60, description="令牌用途，例如“数据对接”"), SafeText] = ""


class TokenOut(Schema):
    token: str = Field(description="只显示这一次；请妥善保存")
    name: str
    expires_at: datetime.datetime


@router.post(
    "/auth/token", auth=None, response={201: TokenOut} | errors(400, 401, 422, 429), summary="用用户名和密码换取令牌"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange a username and password for a bearer token (valid 30 days). Failed attempts count
    toward the login lockout: after five, the account is locked for a while (429). One address
    may ask 20 times a minute, whatever the usernames (429 with Retry-After)."""
    allowed, retry = ratelimit_hit(key=f"token:{client_ip(request)}", limit=20, window=60)
    if not allowed:
        raise ApiError(429, _("请求过于频繁，请在 %(seconds)s 秒后再试。") % {"seconds": retry})
    try:
        raw, token = token_issue(
            request=request, username=payload.username, password=payload.password, name=payload.name
        )
    except ValidationError as exc:
        if getattr(request, "axes_locked_out", False):
            # The API answers the lockout itself; AxesMiddleware would turn it into an HTML page.
            request.axes_locked_out = False  # type: ignore[attr-defined]
            cool_off = get_cool_off(request)
            if cool_off is None:
                raise ApiError(429, _("登录失败次数过多，账号已被锁定，请联系管理员。")) from exc
            minutes = math.ceil(cool_off.total_seconds() / 60)
            raise ApiError(
                429, _("登录失败次数过多，账号已被暂时锁定，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}
            ) from exc
        raise ApiError(401, _("用户名或密码错误。")) from exc
    return Status(201, TokenOut(token=raw, name=token.name, expires_at=token.expires_at))


@router.delete("/auth/token", auth=[bearer_auth], response={204: None} | errors(401), summary="吊销当前令牌")
def token_delete(request: HttpRequest) -> Status:
    """Revoke the token this request presents."""
    raw: str = request.api_token_raw  # type: ignore[attr-defined]
    token = (
        policy.restrict(ApiToken.objects.all(), request.user, policy.DELETE)
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        token_revoke(token=token)
    return Status(204, None)


class RefOut(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    id: int
    role: str
    role_label: str
    unit: RefOut | None
    place: RefOut | None

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return str(obj.get_role_display())


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    is_city_admin: bool
    roles: list[str]
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut} | errors(401), summary="当前用户及其角色")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user, their roles and memberships."""
    user = request.user
    scope = policy.scope_for(user)
    memberships = user_memberships(user=user)
    return MeOut(
        id=cast(int, user.pk),
        username=user.get_username(),
        display_name=getattr(user, "display_name", ""),
        email=getattr(user, "email", ""),
        phone=getattr(user, "phone", ""),
        is_city_admin=scope.is_city_admin,
        roles=sorted(scope.roles),
        memberships=memberships,  # type: ignore[arg-type]
    )
