"""The Open311 接口 part of the Zhuzhou demo, loaded by :mod:`gongjian.demo.loader` after the base
demo and the cases: the published demo key ``demo-open311-key`` and a few reports filed through
it, as a third-party app would file them."""

from gongjian.demo.loader import DemoContext
from gongjian.open311.models import ApiKey
from gongjian.open311.services import api_key_issue

DEMO_KEY = "demo-open311-key"  # published in the README: for trying the API, never in production
DEMO_REPORTS = [
    ("井盖", "田心路与北岭路交叉口井盖松动，车辆经过时响声很大。", "田心路与北岭路交叉口"),
    ("飞线", "3 栋二楼窗口拉出电线给电动车充电，存在火灾隐患。", "3 栋楼下"),
    ("停车", "小区门口消防通道长期停放私家车。", "小区东门"),
]


def load(ctx: DemoContext) -> None:
    """Issue the demo key and file a few reports through the Open311 path."""
    admin = ctx.users.get("wenmingban")
    _raw, key = api_key_issue(name="演示：随手拍 App", actor=admin, raw=DEMO_KEY)
    filed = _file_reports(ctx, key)
    ctx.summary.extra["open311"] = f"Open311 key {DEMO_KEY}, {filed} reports filed through it"


def _file_reports(ctx: DemoContext, key: ApiKey) -> int:
    from gongjian.cases.models import Category
    from gongjian.open311.services import request_create
    from gongjian.places.models import Place, PlaceKind

    categories = list(Category.objects.filter(active=True, is_public=True))
    places = list(Place.objects.filter(kind__in=[PlaceKind.ESTATE, PlaceKind.GRID]).order_by("id")[:50])
    if not categories or not places:
        return 0
    filed = 0
    for word, description, address in DEMO_REPORTS:
        category = next((c for c in categories if word in c.name or word in c.keywords), None)
        if category is None:
            category = ctx.rng.choice(categories)
        request_create(
            api_key=key,
            category=category,
            description=description,
            place=ctx.rng.choice(places),
            address=address,
            device_id=f"demo-device-{filed + 1}",
        )
        filed += 1
    return filed
