from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.jobs import job_kind
from gongjian.volunteers.services import volunteer_import


@job_kind(
    "volunteers.import",
    title=gettext_lazy("导入志愿者"),
    success=lambda r: _("导入完成：新增 %(created)d 名志愿者。") % r,
    done_url="volunteers:list",
)
def import_volunteers(*, file: Any, progress: Any) -> dict[str, int]:
    return volunteer_import(upload=file, progress=progress)
