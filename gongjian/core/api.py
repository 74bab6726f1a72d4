"""What every router of the JSON API shares: the API class, authentication, the one error shape,
pagination, input types with explicit bounds, and the helpers that fetch objects through the policy.

Every error the API answers has the same shape::

    {"detail": "<summary>",
     "errors": [{"field": "visited_on", "message": "visited_on：日期格式无效，应为 YYYY-MM-DD。"}]}

``field`` is the API field the message is about, or null when it is about the request as a whole.
Messages are in the request's language (Chinese unless the client asks for English).
"""

import datetime
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.operation import Operation
from ninja.pagination import PageNumberPagination
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import AfterValidator, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from gongjian.accounts.services import token_authenticate
from gongjian.core import policy

# Ids are BigAutoField keys: anything above this cannot exist, and would overflow the database.
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# --- The error shape -------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None = Field(None, description="API 字段名；针对整个请求的错误为 null")
    message: str


class Error(Schema):
    """The one error body of the API."""

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


def errors(*codes: int) -> dict[int, type[Error]]:
    """The ``response=`` entries for the error statuses an endpoint answers: ``{200: Out} | errors(401, 404)``."""
    return dict.fromkeys(codes, Error)


class ApiError(HttpError):
    """An error the API answers as is: its status, its (already translated) summary and items;
    ``expected`` for a refusal that is an answer, not a fault (see :func:`quietly`)."""

    def __init__(
        self, status_code: int, detail: str, items: Iterable[tuple[str | None, str]] = (), *, expected: bool = False
    ) -> None:
        super().__init__(status_code, detail)
        self.items = list(items)
        self.expected = expected


def quietly(response: HttpResponse) -> HttpResponse:
    """A 4xx that a crowd is expected to meet (a vote over its limit, a question to answer): the
    answer says why, and Django's "Bad Request" warning for each would drown, in a spike, the
    warnings worth reading. Sets the flag django.utils.log.log_response itself sets and checks."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _render(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, items: Iterable[tuple[str | None, str]] = ()
) -> HttpResponse:
    body = {"detail": detail, "errors": [{"field": f, "message": m} for f, m in items]}
    return api.create_response(request, body, status=status)


# Pydantic's error types, in words a clerk understands. Each names the API field it is about.
_PROBLEMS: dict[str, Any] = {
    "missing": gettext_lazy("必须填写。"),
    "string_type": gettext_lazy("应为文本。"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字符。"),
    "string_too_long": gettext_lazy("不能超过 %(max_length)s 个字符。"),
    "string_pattern_mismatch": gettext_lazy("格式不正确。"),
    "string_unsafe": gettext_lazy("包含不允许的字符。"),
    "int_type": gettext_lazy("应为整数。"),
    "int_parsing": gettext_lazy("应为整数。"),
    "int_from_float": gettext_lazy("应为整数。"),
    "int_parsing_size": gettext_lazy("数值超出范围。"),
    "float_type": gettext_lazy("应为数字。"),
    "float_parsing": gettext_lazy("应为数字。"),
    "decimal_type": gettext_lazy("应为数字。"),
    "decimal_parsing": gettext_lazy("应为数字。"),
    "decimal_max_digits": gettext_lazy("数字不能超过 %(max_digits)s 位。"),
    "decimal_max_places": gettext_lazy("小数不能超过 %(decimal_places)s 位。"),
    "decimal_whole_digits": gettext_lazy("整数部分位数过多。"),
    "finite_number": gettext_lazy("应为有限的数字。"),
    "bool_type": gettext_lazy("应为 true 或 false。"),
    "bool_parsing": gettext_lazy("应为 true 或 false。"),
    "date_type": gettext_lazy("日期格式无效，应为 YYYY-MM-DD。"),
    "date_parsing": gettext_lazy("日期格式无效，应为 YYYY-MM-DD。"),
    "date_from_datetime_parsing": gettext_lazy("日期格式无效，应为 YYYY-MM-DD。"),
    "date_from_datetime_inexact": gettext_lazy("日期格式无效，应为 YYYY-MM-DD。"),
    "greater_than": gettext_lazy("应大于 %(gt)s。"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s。"),
    "less_than": gettext_lazy("应小于 %(lt)s。"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s。"),
    "literal_error": gettext_lazy("应为以下之一：%(expected)s。"),
    "enum": gettext_lazy("应为以下之一：%(expected)s。"),
    "extra_forbidden": gettext_lazy("不允许的字段。"),
    "json_invalid": gettext_lazy("不是有效的 JSON。"),
    "json_type": gettext_lazy("不是有效的 JSON。"),
    "model_type": gettext_lazy("应为 JSON 对象。"),
    "model_attributes_type": gettext_lazy("应为 JSON 对象。"),
    "dict_type": gettext_lazy("应为 JSON 对象。"),
    "list_type": gettext_lazy("应为列表。"),
    "too_short": gettext_lazy("至少 %(min_length)s 项。"),
    "too_long": gettext_lazy("最多 %(max_length)s 项。"),
    "none_required": gettext_lazy("应为 null。"),
}
_UNKNOWN_PROBLEM = gettext_lazy("取值无效。")
# Where ninja says a value came from; the field name is what follows.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A JSON body is validated as one argument of the view (``payload``): drop its name.
        if source == "body" and len(parts) > 1:
            parts.pop(0)
        elif source == "body" and parts:
            return "body"
    return ".".join(str(p) for p in parts) or "body"


def _expected(ctx: dict[str, Any]) -> str:
    # Pydantic writes "'a', 'b' or 'c'": list them the same way in any language.
    return re.sub(r"\s+or\s+", ", ", str(ctx.get("expected", "")))


def describe_pydantic_error(error: dict[str, Any]) -> tuple[str, str]:
    """``(field, message)`` for one pydantic error, the message naming the field, in the active language."""
    field = _field_of(tuple(error.get("loc", ())))
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = _expected(ctx)
    template = _PROBLEMS.get(str(error.get("type", "")), _UNKNOWN_PROBLEM)
    try:
        problem = str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        problem = str(_UNKNOWN_PROBLEM)
    return field, _("%(field)s：%(problem)s") % {"field": field, "problem": problem}


def _django_error_items(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if key == NON_FIELD_ERRORS else key, message)
            for key, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in exc.messages]


def _on_pydantic_error(api: NinjaAPI, request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    items: list[tuple[str | None, str]] = []
    for error in exc.errors:
        item = describe_pydantic_error(error)
        if item not in items:
            items.append(item)
    return _render(api, request, 422, _("请求数据格式有误。"), items)


def _on_django_validation_error(api: NinjaAPI, request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _render(api, request, 400, _("提交的数据未通过校验。"), _django_error_items(exc))


def _on_not_found(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return _render(api, request, 404, _("找不到该对象，或你无权查看。"))


def _on_permission_denied(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return _render(api, request, 403, _("你没有权限执行此操作。"))


def _on_http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, ApiError):
        response = _render(api, request, exc.status_code, str(exc), exc.items)
        return quietly(response) if exc.expected else response
    if exc.status_code == 401:
        response = _render(api, request, 401, _("请先登录，或在 Authorization 头中提供有效的令牌（Bearer）。"))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        message = _("请求体不是有效的 JSON。")
        return _render(api, request, 400, message, [("body", message)])
    if exc.status_code == 403:
        return _on_permission_denied(api, request, exc)
    if exc.status_code == 404:
        return _on_not_found(api, request, exc)
    return _render(api, request, exc.status_code, str(exc))


# --- Authentication ----------------------------------------------------------------------------


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/auth/token``.

    A token that is presented but not valid is refused (401) rather than ignored, so a client
    never silently falls back to another identity. The user is also set as ``request.user``, so
    the audit trail and the policy see who acts."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(raw=token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        request.api_token_raw = token  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in user of Django's session; unsafe methods must carry the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in authenticate(), only once the session is known to be signed in:
        # an anonymous request gets 401, not a CSRF error.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise ApiError(403, _("CSRF 校验失败：请求须带上 CSRF 令牌（X-CSRFToken 头）。"))
        return user


bearer_auth = BearerAuth()
session_auth = SessionAuth()
# The bearer token first: a session's CSRF check must not refuse a request that carries a token.
AUTH = [bearer_auth, session_auth]


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese written as itself, not as ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


# --- The API class -----------------------------------------------------------------------------


class GongjianAPI(NinjaAPI):
    """NinjaAPI with the project's error shape, local Swagger docs and both kinds of authentication.

    The API answers 401 itself, so its URLs are exempt from ``LoginRequiredMiddleware`` (which
    would redirect an API client to the login page)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", AUTH)
        kwargs.setdefault("renderer", Utf8JSONRenderer())
        # No online validator badge: the docs page must not call out to the internet.
        kwargs.setdefault("docs", Swagger(settings={"validatorUrl": None, "persistAuthorization": False}))
        super().__init__(**kwargs)
        self.add_exception_handler(NinjaValidationError, partial(_on_pydantic_error, self))
        self.add_exception_handler(DjangoValidationError, partial(_on_django_validation_error, self))
        self.add_exception_handler(Http404, partial(_on_not_found, self))
        self.add_exception_handler(PermissionDenied, partial(_on_permission_denied, self))
        self.add_exception_handler(HttpError, partial(_on_http_error, self))

    def _get_urls(self) -> list[Any]:
        urls = super()._get_urls()
        for pattern in urls:
            if pattern.callback is not None:
                login_not_required(pattern.callback)
        return urls

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


# --- Pagination --------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    """``?page=1&page_size=20``; at most 100 items a page. The answer is ``{"items": [...], "count": n}``."""

    class PageInput(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 100")

    Input = PageInput  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


# --- Input types -------------------------------------------------------------------------------


def _safe_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded at all.
    if "\x00" in value:
        raise PydanticCustomError("string_unsafe", "String contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("string_unsafe", "String is not valid Unicode") from None
    return value


SafeText = AfterValidator(_safe_text)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        raise PydanticCustomError("date_type", "Input should be a date")
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be a date in the format YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_parsing", "Input should be a valid date") from None


# A calendar day written YYYY-MM-DD, and nothing else (strict inputs still take dates as text).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Input(Schema):
    """Base of every request body: strict types (no "1" for 1), unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


# The default of a PATCH field that may not be null: left out means "unchanged" (the endpoint
# reads ``model_dump(exclude_unset=True)``), while an explicit null is refused by the field's own
# type. Typed Any so the field keeps its real type for mypy and the OpenAPI document.
UNSET: Any = None


# --- Fetching through the policy ---------------------------------------------------------------


def get_visible[M: models.Model](request: HttpRequest, queryset: QuerySet[M], pk: int) -> M:
    """The object ``pk`` among those the user may view, else 404 (rows outside their scope do not exist for them)."""
    return policy.get_object(queryset, request.user, pk)


def get_for[M: models.Model](request: HttpRequest, queryset: QuerySet[M], pk: int, action: str) -> M:
    """The object ``pk`` for ``action``: 404 if the user may not even see it, 403 if they may see
    but not act on it."""
    return policy.get_object(queryset, request.user, pk, action)


def get_ref[M: models.Model](request: HttpRequest, queryset: QuerySet[M], pk: int, *, field: str) -> M:
    """An object a request body refers to by id (``parent``, ``unit``…), among those the user may
    view; a missing one is a 400 naming the field."""
    obj = policy.restrict(queryset, request.user, policy.VIEW).filter(pk=pk).first()
    if obj is None:
        raise DjangoValidationError({field: _("找不到编号为 %(id)s 的对象。") % {"id": pk}})
    return obj


def create_checked[M: models.Model](request: HttpRequest, model: type[M], create: Callable[[], M]) -> M:
    """Run a service's create and keep the row only if the policy lets the user ``add`` it.

    Like netbox, the rule is asked about the new row itself, inside the transaction, and the row
    is rolled back (403) if it is outside the user's scope. A rule that grants nothing at all
    refuses before the service runs."""
    user = request.user
    if policy.restrict(model._default_manager.all(), user, policy.ADD).query.is_empty():
        raise PermissionDenied
    with transaction.atomic():
        obj = create()
        if not policy.can(user, policy.ADD, obj):
            raise PermissionDenied
    return obj
