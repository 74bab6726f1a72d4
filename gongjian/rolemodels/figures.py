from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core import policy
from gongjian.core.figures import Figure, FigureContext, figure
from gongjian.rolemodels.models import NominationStatus
from gongjian.rolemodels.selectors import nomination_list, round_board, round_current

RED = "#b8322a"


@figure("rolemodels.round", order=60)
def round_figure(ctx: FigureContext) -> Figure | None:
    """Likes in the current (or last) round, per candidate."""
    rnd = round_current()
    if rnd is None:
        return None
    board = round_board(user=ctx.user, round=rnd)
    if not board.counts_shown:
        return None
    names = [r.entry.nomination.nominee_name for r in board.rows]
    pending = (
        nomination_list(user=ctx.user, status=NominationStatus.SUBMITTED).count()
        if policy.is_city_admin(ctx.user)
        else 0
    )
    detail = _("截止 %(date)s") % {"date": f"{rnd.closes_at:%Y-%m-%d %H:%M}"}
    if pending:
        detail += _("；待审核推荐 %(n)d 条") % {"n": pending}
    return Figure(
        key="rolemodels.round",
        title=_("点赞评议：%(title)s") % {"title": rnd.title},
        value=str(board.total or 0),
        detail=detail,
        url=reverse("rolemodels:round-detail", args=[rnd.pk]),
        chart={
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "data": names, "inverse": True},
            "series": [
                {
                    "type": "bar",
                    "name": _("点赞"),
                    "data": [r.votes or 0 for r in board.rows],
                    "itemStyle": {"color": RED},
                }
            ],
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 70, "right": 16, "top": 8, "bottom": 24},
        },
    )
