"""The one JSON API (django-ninja): /api/openapi.json, /api/docs. Each app adds its router here.

Authentication is a bearer token (``POST /api/auth/token``) or the browser's session (with the
CSRF token on unsafe methods); every error has the shape described in :mod:`gongjian.core.api`."""

from gongjian.accounts.api import router as accounts_router
from gongjian.cases.api import router as cases_router
from gongjian.cobuilding.api import router as cobuilding_router
from gongjian.core.api import GongjianAPI
from gongjian.pairings.api import router as pairings_router
from gongjian.places.api import router as places_router
from gongjian.rolemodels.api import router as rolemodels_router
from gongjian.units.api import router as units_router
from gongjian.volunteers.api import router as volunteers_router

api = GongjianAPI(
    title="Gongjian API",
    version="1",
    urls_namespace="api",
    description=(
        "株洲市文明城市创建共建平台的 JSON 接口。认证：`POST /api/auth/token` 取得令牌后以 "
        "`Authorization: Bearer <token>` 调用，或使用已登录的浏览器会话（修改类请求须带 `X-CSRFToken`）。"
        '错误统一为 `{"detail": …, "errors": [{"field": …, "message": …}]}`。'
    ),
)
api.add_router("", accounts_router)
api.add_router("/places", places_router)
api.add_router("/units", units_router)
api.add_router("", pairings_router)
api.add_router("/cases", cases_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/rolemodels", rolemodels_router)
api.add_router("/cobuilding", cobuilding_router)
