from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobuildingConfig(AppConfig):
    name = "gongjian.cobuilding"
    label = "cobuilding"
    verbose_name = _("共建工作")

    def ready(self) -> None:
        # Import here the modules that register things (policies, figures, jobs, score parts).
        pass
