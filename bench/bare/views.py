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
