from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongjian.cases"
    label = "cases"
    verbose_name = _("诉求办理")

    def ready(self) -> None:
        # Import here the modules that register things (policies, figures, jobs, score parts).
        pass
