from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongjian.cases"
    label = "cases"
    verbose_name = _("诉求办理")

    def ready(self) -> None:
        from gongjian.cases import figures, jobs, policies, scores  # noqa: F401
        from gongjian.core import audit

        # Cases themselves are audited by their services (one "cases.<step>" event per step);
        # the catalogue is edited in the admin, so every change of it is recorded here.
        audit.register(self.get_model("Category"), exclude=("updated_at",))
