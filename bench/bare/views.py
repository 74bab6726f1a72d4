"""One plain INSERT, nothing else: the cheapest write a Django view can do here, through the same
middleware as every page (sessions, CSRF check skipped, auth, audit context, axes)."""

import json

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_insert"


def create_table_sql(vendor: str) -> str:
    key = "BIGSERIAL PRIMARY KEY" if vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"


@login_not_required
@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (body, created_at) VALUES (%s, %s)",  # noqa: S608 (a constant table name)
            [request.POST.get("description", ""), timezone.now()],
        )
    return HttpResponse(json.dumps([{"ok": True}]), content_type="application/json; charset=utf-8")


@login_not_required
@csrf_exempt
@require_POST
def orm_report(request: HttpRequest) -> HttpResponse:
    """The rows an Open311 report writes (the day's number, the case, its timeline event, its audit
    entry, the Open311 submission), written the way a Django view usually would: a lookup per
    input, ``objects.create()`` per row, inside ``transaction.atomic()``. No validation beyond the
    lookups and no notifications: a yardstick for what intake's own code adds or saves, beside the
    one-INSERT view."""
    import secrets
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from gongjian.cases import reference
    from gongjian.cases.models import Case, CaseEvent, CaseNumberCounter, Category, Priority, hash_follow_token
    from gongjian.core.audit import client_ip
    from gongjian.core.models import AuditEntry
    from gongjian.open311.models import ApiKey, Submission, hash_key

    post = request.POST
    key = ApiKey.objects.filter(key_hash=hash_key(post.get("api_key", "")), revoked_at__isnull=True).first()
    if key is None:
        return HttpResponse(status=403)
    category = Category.objects.get(code=post.get("service_code", ""), active=True)
    lat, lng = Decimal(post["lat"]), Decimal(post["long"])
    place = reference.nearest_place(lat=lat, lng=lng)
    assert place is not None
    community, district, _located = reference.place_context(place)
    moment = timezone.now()
    day = timezone.localdate(moment)
    with transaction.atomic():
        counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(day=day)
        counter.last += 1
        counter.save(update_fields=["last"])
        case = Case.objects.create(
            number=f"{settings.CASES_NUMBER_PREFIX}{day:%Y%m%d}{counter.last:05d}",
            category=category,
            description=post.get("description", "").strip(),
            address=post.get("address_string", ""),
            lat=lat,
            lng=lng,
            place=place,
            community=community,
            district=district,
            source=Case.Source.OPEN311,
            follow_token_hash=hash_follow_token(secrets.token_urlsafe(24)),
            created_at=moment,
            updated_at=moment,
            due_at=category.due_from(moment, Priority.NORMAL),
            priority=Priority.NORMAL,
        )
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.REPORTED, status=case.status, actor_label="Open311", created_at=moment
        )
        AuditEntry.objects.create(
            action=AuditEntry.Action.EVENT,
            event="cases.reported",
            content_type=ContentType.objects.get_for_model(Case),
            object_id=str(case.pk),
            object_repr=str(case)[:200],
            changes={"category": category.code, "source": "open311", "place": place.pk},
            remote_addr=client_ip(request),
        )
        Submission.objects.create(case=case, api_key=key, token=secrets.token_hex(16))
    return HttpResponse(
        json.dumps([{"service_request_id": case.number}]), content_type="application/json; charset=utf-8"
    )
