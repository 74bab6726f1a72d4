import datetime
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.jobs import job_kind
from gongjian.volunteers.models import Volunteer
from gongjian.volunteers.services import statement_create, volunteer_import


@job_kind(
    "volunteers.import",
    title=gettext_lazy("导入志愿者"),
    success=lambda r: _("导入完成：新增 %(created)d 名志愿者。") % r,
    done_url="volunteers:list",
)
def import_volunteers(*, file: Any, progress: Any) -> dict[str, int]:
    return volunteer_import(upload=file, progress=progress)


def _statement_done(r: dict[str, int]) -> str:
    hours = Decimal(r["centihours"]) / 100
    return _("证明已生成：%(n)d 次服务，共 %(hours)s 小时。") % {"n": r["records"], "hours": f"{hours:.2f}"}


@job_kind(
    "volunteers.statement",
    title=gettext_lazy("生成服务时长证明"),
    success=_statement_done,
    done_url="volunteers:me",
)
def make_statement(*, file: Any, progress: Any) -> dict[str, int]:
    """The request was checked by the page that queued it (the volunteer is the user's own)."""
    request = json.loads(file.read())
    volunteer = Volunteer.objects.select_related("user").get(pk=request["volunteer"])
    statement = statement_create(
        volunteer=volunteer,
        period_from=datetime.date.fromisoformat(request["period_from"]),
        period_to=datetime.date.fromisoformat(request["period_to"]),
        actor=volunteer.user,
        progress=progress,
    )
    return {"statement": statement.pk, "records": statement.record_count, "centihours": int(statement.hours * 100)}
