"""Django admin permissions from memberships: a city admin holds every model permission, so
the office manages accounts and memberships in Django's admin without being a superuser."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from gongjian.core import policy


class CityAdminPermissionBackend(BaseBackend):
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None  # grants permissions only; it never logs anybody in

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(user_obj.is_active and user_obj.is_staff and policy.is_city_admin(user_obj))

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return self.has_perm(user_obj, f"{app_label}.*")
