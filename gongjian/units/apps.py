from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "gongjian.units"
    label = "units"
    verbose_name = _("单位")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.units import policies  # noqa: F401

        audit.register(self.get_model("Unit"), exclude=("updated_at",))
