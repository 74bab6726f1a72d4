from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.jobs import job_kind
from gongjian.places.services import place_import


@job_kind(
    "places.import",
    title=gettext_lazy("导入地点"),
    success=lambda r: _("导入完成：%(rows)d 行，新增 %(created)d 个地点。") % r,
    done_url="places:tree",
)
def import_places(*, file: Any, progress: Any) -> dict[str, int]:
    return place_import(upload=file, progress=progress)
