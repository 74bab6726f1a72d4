"""The volunteers' part of the unit scorecard: in-service party members' monthly community service."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.policy import Scope
from gongjian.core.scorecard import PartValue, clamp, score_part
from gongjian.volunteers.selectors import compliance_by, month_end, month_start


class _Everyone:
    """The scorecard is computed for the whole city, whoever looks at it later."""

    is_authenticated = True
    is_active = True
    pk = None
    _gongjian_scope = Scope(user_id=0, is_authenticated=True, is_city_admin=True)


def campaign_months(campaign: Any, today: datetime.date | None = None) -> list[datetime.date]:
    """The first day of each month of the campaign so far (up to today's month)."""
    today = today or timezone.localdate()
    last = min(campaign.ends_on, today)
    months = []
    month = month_start(campaign.starts_on)
    while month <= last:
        months.append(month)
        month = month_end(month) + datetime.timedelta(days=1)
    return months


@score_part(
    "volunteers.party_service",
    title=gettext_lazy("在职党员每月进社区服务"),
    formula=gettext_lazy("各月已到社区服务的在职党员人数之和 ÷ 各月在职党员人数之和（活动开始至今）"),
    default_weight=Decimal("15"),
    order=30,
)
def party_service(campaign: Any) -> dict[int, PartValue]:
    """One aggregate query a month, over all units at once."""
    served: dict[int, int] = {}
    members: dict[int, int] = {}
    months = campaign_months(campaign)
    for month in months:
        for row in compliance_by(user=_Everyone(), month=month):
            if row.key is None:
                continue
            served[row.key] = served.get(row.key, 0) + row.served
            members[row.key] = members.get(row.key, 0) + row.members
    return {
        unit_id: PartValue(
            ratio=clamp(served[unit_id] / members[unit_id]) if members[unit_id] else 0.0,
            detail=_("%(months)d 个月：%(served)d / %(members)d 人次")
            % {"months": len(months), "served": served[unit_id], "members": members[unit_id]},
            raw=served[unit_id],
        )
        for unit_id in members
    }
