from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolemodelsConfig(AppConfig):
    name = "gongjian.rolemodels"
    label = "rolemodels"
    verbose_name = _("先进典型")

    def ready(self) -> None:
        # Import here the modules that register things (policies, figures, jobs, score parts).
        pass
