from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjian.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from gongjian.core import checks, policies  # noqa: F401
