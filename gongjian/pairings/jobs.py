from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.jobs import job_kind
from gongjian.pairings.services import pairing_import


@job_kind(
    "pairings.import",
    title=gettext_lazy("导入联点关系"),
    success=lambda r: _("导入完成：新增 %(created)d 个联点共建关系。") % r,
    done_url="pairings:campaign-list",
)
def import_pairings(*, file: Any, progress: Any) -> dict[str, int]:
    return pairing_import(upload=file, progress=progress)
