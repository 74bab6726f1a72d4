from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gongjian.core import policy
from gongjian.core.notify import unread_count


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    scope = policy.scope_for(user)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "scope": scope,
        "is_city_admin": scope.is_city_admin,
        "unread_notifications": unread_count(user),
    }
