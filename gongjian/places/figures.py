from django.utils.translation import gettext_lazy as _

from gongjian.core import policy
from gongjian.core.figures import Figure, FigureContext, figure
from gongjian.places.selectors import place_counts_by_kind


@figure("places.communities", order=90)
def communities_figure(ctx: FigureContext) -> Figure | None:
    if not policy.is_city_admin(ctx.user):
        return None
    counts = place_counts_by_kind()
    return Figure(
        key="places.communities",
        title=_("社区"),
        value=str(counts["community"]),
        detail=_("%(d)s 个区，%(s)s 个街道，%(g)s 个网格")
        % {"d": counts["district"], "s": counts["subdistrict"], "g": counts["grid"]},
        url="/places/",
    )
