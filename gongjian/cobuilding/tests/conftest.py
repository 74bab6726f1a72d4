import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import translation

from gongjian.cobuilding.models import Plan, PlanItem, WorkArea
from gongjian.cobuilding.services import plan_create, plan_item_add


@pytest.fixture(autouse=True)
def _in_chinese() -> Any:
    # A request with an English cookie leaves English active in this thread: restore it after.
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _in_the_campaign() -> Any:
    # The world's campaign runs 2023-04-26 … 2023-12-31: work "today" is inside it.
    with time_machine.travel(datetime.datetime(2023, 11, 1, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def plan(world: dict[str, Any], chengfa_liaison: Any) -> Plan:
    return plan_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        basis="依据《株洲市2023年“株事有礼·社区联点共建”工作方案》",
        goals="解决北岭社区下水道淤堵问题",
        safeguards="成立工作专班，落实经费",
    )


@pytest.fixture
def sewer_item(plan: Plan) -> PlanItem:
    return plan_item_add(
        plan=plan,
        area=WorkArea.COMMUNITY_BUILDING,
        title="新苑小区下水管道改造",
        target="田心路沿线门店下水道不再淤堵",
        budget=Decimal("200000.00"),
        due_on=datetime.date(2023, 9, 30),
        responsible="城市更新公司",
    )


# The API fuzzing fixtures the core tests define (a WSGI app keeping the test's transaction, a
# city admin's bearer token), shared rather than copied.
from gongjian.core.tests.test_openapi_schemathesis import admin_headers, wsgi_app  # noqa: E402, F401
