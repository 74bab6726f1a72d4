"""The GeoReport v2 endpoints at ``/open311/v2/``: discovery, services, a service's definition,
requests (GET and POST), one request, and tokens, each as ``.xml`` and ``.json``.

Errors answer in the specification's shape (``<errors><error><code>…<description>…``) with the
HTTP status it asks for: 404 for what does not exist (an unknown service, request, token or
jurisdiction_id), 403 for a missing, unknown or revoked ``api_key``, 400 for any other request
that cannot be fulfilled (including every field the case service refuses, one error each).
"""

import datetime
import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongjian.core.audit import client_ip
from gongjian.core.ratelimit import hit
from gongjian.open311 import mapping, selectors
from gongjian.open311.models import hash_key
from gongjian.open311.render import JSON, Many, Record, render_errors, render_list, render_one
from gongjian.open311.services import KeyRefused, api_key_authenticate, request_create

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000
# The case fields the case service names in its errors, as the Open311 arguments they came from.
ARGUMENT_OF_FIELD = {
    "category": "service_code",
    "description": "description",
    "place": "address_id",
    "lat": "lat",
    "lng": "long",
    "address": "address_string",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "photos": "media_url",
}
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")


class Open311Error(Exception):
    """Answer with the specification's error body: ``status`` and one or more (code, description)."""

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(descriptions)
        self.status = status
        self.errors = [(status, d) for d in descriptions]
        self.headers = headers or {}


def _param(params: QueryDict, name: str) -> str:
    # "A null parameter should be treated as equivalent to a non-declared parameter."
    return (params.get(name) or "").strip()


def _check_jurisdiction(params: QueryDict) -> None:
    jurisdiction = _param(params, "jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
        raise Open311Error(404, _("jurisdiction_id 不存在：%(id)s。") % {"id": jurisdiction[:100]})


def _limit(request: HttpRequest, scope: str, key: str, limit: int) -> None:
    allowed, retry = hit(key=f"open311-{scope}:{key}", limit=limit, window=60)
    if not allowed:
        raise Open311Error(
            429, _("请求过于频繁，请 %(n)d 秒后再试。") % {"n": retry}, headers={"Retry-After": str(retry)}
        )


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """An Open311 endpoint: public (no session needed), CSRF-exempt (a machine API; writes need an
    api_key), limited per client address, and answering its errors in the requested format."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("不支持 %(method)s 方法。") % {"method": request.method})
                params = request.POST if request.method == "POST" else request.GET
                _check_jurisdiction(params)
                if request.method == "POST":
                    _limit(request, "post", client_ip(request) or "-", settings.OPEN311_POST_LIMIT_PER_CLIENT)
                else:
                    _limit(request, "get", client_ip(request) or "-", settings.OPEN311_GET_LIMIT_PER_CLIENT)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = render_errors(fmt, exc.status, exc.errors)
                for header, value in exc.headers.items():
                    response[header] = value
                if exc.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return login_not_required(csrf_exempt(wrapped))

    return decorator


# --- Discovery and services ----------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service Discovery: where this endpoint is, what it speaks, and how to get a key."""
    base = settings.SITE_URL.rstrip("/") + "/open311/v2"
    changeset = settings.OPEN311_CHANGESET
    record: Record = [
        ("changeset", changeset),
        ("contact", settings.OPEN311_CONTACT),
        ("key_service", settings.OPEN311_KEY_SERVICE),
        (
            "endpoints",
            Many(
                "endpoint",
                [
                    [
                        ("specification", SPECIFICATION),
                        ("url", base),
                        ("changeset", changeset),
                        ("type", "production"),
                        ("formats", Many("format", ["text/xml", "application/json"])),
                    ]
                ],
            ),
        ),
    ]
    return render_one(fmt, "discovery", record)


def _service_type(category: Any) -> str:
    # A category whose cases are not public gives no id back: the client could not read it anyway.
    return "realtime" if category.is_public else "blackbox"


def _service_record(category: Any) -> Record:
    return [
        ("service_code", category.code),
        ("service_name", category.name),
        ("description", category.description or category.name),
        # The catalogue asks nothing beyond the report itself: no service definition is needed.
        ("metadata", False),
        ("type", _service_type(category)),
        ("keywords", category.keywords),
        ("group", category.group or category.get_klass_display()),
    ]


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List: every active category of the catalogue."""
    return render_list(fmt, "services", "service", [_service_record(c) for c in selectors.services_list()])


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """GET Service Definition: the category's attributes (none: ``metadata`` is false for all)."""
    category = selectors.service_get(code=code)
    if category is None:
        raise Open311Error(404, _("service_code 不存在：%(code)s。") % {"code": code})
    return render_one(
        fmt, "service_definition", [("service_code", category.code), ("attributes", Many("attribute", []))]
    )


# --- Requests --------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL.rstrip("/") + url


def _media_url(case: Any) -> str | None:
    """The case's first photo (served stripped of location data), else the link the Open311
    client sent."""
    if case.photo_id:
        from gongjian.cases.models import CasePhoto
        from gongjian.cases.selectors import case_photo_public_url

        return _absolute(case_photo_public_url(CasePhoto(pk=case.photo_id)))
    return case.media_link or None


def _request_record(case: Any) -> Record:
    """One request as GeoReport shows it. The reporter's name, phone and email are never in it."""
    status = mapping.open311_status(case.status)
    updated = case.closed_at if status == mapping.CLOSED and case.closed_at else case.updated_at
    return [
        ("service_request_id", case.number),
        ("status", status),
        ("status_notes", case.status_note or case.get_status_display()),
        ("service_name", case.category.name),
        ("service_code", case.category.code),
        ("description", case.description),
        ("agency_responsible", case.unit.name if case.unit else None),
        ("service_notice", None),
        ("requested_datetime", case.created_at),
        ("updated_datetime", updated),
        ("expected_datetime", case.due_at if status == mapping.OPEN else None),
        ("address", case.address or str(case.place)),
        ("address_id", case.place_id),
        ("zipcode", None),
        ("lat", case.lat),
        ("long", case.lng),
        ("media_url", _media_url(case)),
    ]


def _parse_w3c(name: str, value: str) -> datetime.datetime:
    # An unencoded "+08:00" arrives as " 08:00": put the plus sign back.
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value)
    parsed: datetime.datetime | None = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, _("%(name)s 应为 W3C 日期时间，如 2023-05-01T00:00:00+08:00。") % {"name": name})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _comma_list(params: QueryDict, name: str) -> list[str]:
    # "can be declared multiple times, comma delimited"
    values: list[str] = []
    for raw in params.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


def _requests_get(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    ids = _comma_list(params, "service_request_id")
    if len(ids) > selectors.MAX_REQUESTS:
        raise Open311Error(400, _("service_request_id 最多 %(n)d 个。") % {"n": selectors.MAX_REQUESTS})
    if ids:  # "This overrides all other arguments."
        cases = selectors.requests_search(ids=ids)
    else:
        statuses = _comma_list(params, "status")
        bad = [s for s in statuses if s not in mapping.OPEN311_STATUSES]
        if bad:
            raise Open311Error(400, _("status 只能是 open 或 closed。"))
        start = _parse_w3c("start_date", _param(params, "start_date")) if _param(params, "start_date") else None
        end = _parse_w3c("end_date", _param(params, "end_date")) if _param(params, "end_date") else None
        if start and end:
            if end < start:
                raise Open311Error(400, _("end_date 不能早于 start_date。"))
            if end - start > selectors.MAX_SPAN:
                raise Open311Error(400, _("start_date 与 end_date 相隔不能超过 90 天。"))
        cases = selectors.requests_search(
            service_codes=_comma_list(params, "service_code"), start=start, end=end, statuses=statuses
        )
    return render_list(fmt, "service_requests", "request", [_request_record(c) for c in cases])


def _location(params: QueryDict) -> dict[str, Any]:
    lat_raw, long_raw = _param(params, "lat"), _param(params, "long")
    address, address_id = _param(params, "address_string"), _param(params, "address_id")
    errors: list[str] = []
    found: dict[str, Any] = {"lat": None, "lng": None, "place": None, "address": address}
    if lat_raw or long_raw:
        if not (lat_raw and long_raw):
            errors.append(_("lat 和 long 须同时提供。"))
        else:
            try:
                lat, lng = Decimal(lat_raw), Decimal(long_raw)
                if not (lat.is_finite() and lng.is_finite()):
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(_("lat、long 应为 WGS-84 经纬度数值。"))
            else:
                if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                    errors.append(_("lat 应在 -90 到 90 之间，long 应在 -180 到 180 之间。"))
                else:
                    found["lat"] = lat.quantize(Decimal("0.000001"))
                    found["lng"] = lng.quantize(Decimal("0.000001"))
    if address_id:
        from gongjian.places.models import Place

        place = (
            Place.objects.filter(pk=int(address_id)).first() if address_id.isdigit() and len(address_id) < 19 else None
        )
        if place is None:
            errors.append(_("address_id 不存在：%(id)s。") % {"id": address_id[:40]})
        found["place"] = place
    if len(address) > 200:
        errors.append(_("address_string 不能超过 200 个字。"))
    if not (lat_raw or long_raw or address or address_id):
        errors.append(_("须提供位置：lat 和 long，或 address_string，或 address_id。"))
    if errors:
        raise Open311Error(400, *errors)
    return found


def _attributes(params: QueryDict) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in params:
        match = ATTRIBUTE.match(name)
        if match:
            values = [v[:1000] for v in params.getlist(name)][:50]
            found[match.group(1)] = values if match.group(2) else values[-1]
    if len(found) > 50:
        raise Open311Error(400, _("attribute 最多 50 项。"))
    return found


def _requests_post(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    if any("\x00" in value for values in params.lists() for value in values[1]):
        raise Open311Error(400, _("参数中不能含有 NUL 字符。"))
    raw_key = _param(params, "api_key")
    if not raw_key:
        raise Open311Error(403, _("缺少 api_key，无法提交诉求。"))
    _limit(request, "key", hash_key(raw_key), settings.OPEN311_POST_LIMIT_PER_KEY)
    try:
        return _requests_file(request, params, fmt, raw_key)
    except KeyRefused as exc:
        raise Open311Error(403, _("api_key 无效或已被吊销，无法提交诉求。")) from exc
    except Open311Error as exc:
        # The key is checked with the report's number, after its fields: a refused report tells a
        # client without a live key nothing but that.
        if exc.status != 403 and api_key_authenticate(raw=raw_key) is None:
            raise Open311Error(403, _("api_key 无效或已被吊销，无法提交诉求。")) from exc
        raise


def _requests_file(request: HttpRequest, params: QueryDict, fmt: str, raw_key: str) -> HttpResponse:
    code = _param(params, "service_code")
    if not code:
        raise Open311Error(400, _("缺少 service_code。"))
    category = selectors.service_get(code=code)
    if category is None:
        raise Open311Error(404, _("service_code 不存在：%(code)s。") % {"code": code[:60]})
    location = _location(params)
    errors: list[str] = []
    description = params.get("description") or ""
    if len(description) > MAX_DESCRIPTION:
        errors.append(_("description 不能超过 4000 个字。"))
    email = _param(params, "email")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(_("email 格式不正确。"))
    media_url = _param(params, "media_url")
    if media_url:
        try:
            if len(media_url) > 500:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url 应为不超过 500 个字符的 http(s) 链接。"))
    device_id, account_id = _param(params, "device_id"), _param(params, "account_id")
    if len(device_id) > 100 or len(account_id) > 100:
        errors.append(_("device_id、account_id 不能超过 100 个字符。"))
    if errors:
        raise Open311Error(400, *errors)
    # A Chinese name is the family name first: 张 + 三 = 张三.
    last, first = _param(params, "last_name"), _param(params, "first_name")
    name = f"{last}{first}" if re.search(r"[\u4e00-\u9fff]", last + first) else f"{first} {last}".strip()
    try:
        case, submission = request_create(
            api_key=raw_key,
            category=category,
            description=description.strip(),
            reporter_name=name,
            reporter_phone=_param(params, "phone"),
            reporter_email=email,
            media_url=media_url,
            device_id=device_id,
            account_id=account_id,
            attributes=_attributes(params),
            client_ip=client_ip(request),
            **location,
        )
    except ValidationError as exc:
        raise Open311Error(400, *_describe(exc)) from exc
    if category.is_public:
        record: Record = [
            ("service_request_id", case.number),
            ("service_notice", _service_notice(case)),
            ("account_id", account_id or None),
        ]
    else:
        # A case the public does not see: no id comes back, only the token the specification
        # gives "instead of service_request_id" (GET tokens/{token} keeps it withheld too).
        record = [
            ("token", submission.token),
            ("service_notice", _service_notice(case, with_number=False)),
            ("account_id", account_id or None),
        ]
    return render_list(fmt, "service_requests", "request", [record])


def _service_notice(case: Any, *, with_number: bool = True) -> str:
    """What happens next, and the reporter's private link to follow, verify and rate the case
    (only in this answer, which goes to the client that submitted it)."""
    from gongjian.cases.services import follow_path

    due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
    if with_number:
        notice = _("已收到，编号 %(number)s，将于 %(due)s 前办理。") % {"number": case.number, "due": due}
    else:
        notice = _("已收到，将于 %(due)s 前办理。") % {"due": due}
    token = getattr(case, "follow_token", "")
    if token:
        notice += _("跟进、核实和评价：%(url)s") % {"url": _absolute(follow_path(token))}
    return notice


def _describe(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    described = []
    for field, messages in exc.message_dict.items():
        argument = ARGUMENT_OF_FIELD.get(field, field)
        described += [_("%(field)s：%(message)s") % {"field": argument, "message": m} for m in messages]
    return described


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests (public cases only), or POST Service Request (needs an api_key)."""
    if request.method == "POST":
        return _requests_post(request, fmt)
    return _requests_get(request, fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """GET Service Request: one public case, still as an array of one."""
    case = selectors.request_get(number=number)
    if case is None:
        raise Open311Error(404, _("service_request_id 不存在：%(id)s。") % {"id": number})
    return render_list(fmt, "service_requests", "request", [_request_record(case)])


@endpoint("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """GET service_request_id from a token."""
    submission = selectors.token_get(token=token)
    if submission is None:
        raise Open311Error(404, _("token 不存在：%(token)s。") % {"token": token})
    number = submission.case.number if submission.case.category.is_public else None
    return render_list(fmt, "service_requests", "request", [[("service_request_id", number), ("token", token)]])


@login_not_required
@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /open311/v2/: a 404 in the specification's shape (JSON if asked)."""
    fmt = JSON if rest.endswith(".json") else "xml"
    return render_errors(fmt, 404, [(404, _("没有这个 Open311 资源：%(path)s。") % {"path": rest[:100]})])
