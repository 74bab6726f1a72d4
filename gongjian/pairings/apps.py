from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingsConfig(AppConfig):
    name = "gongjian.pairings"
    label = "pairings"
    verbose_name = _("联点共建")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.pairings import figures, jobs, policies  # noqa: F401

        audit.register(self.get_model("Campaign"), exclude=("updated_at",))
        audit.register(self.get_model("Pairing"))
        audit.register(self.get_model("Visit"), exclude=("updated_at",))
        audit.register(self.get_model("VisitPhoto"), exclude=("width", "height"))
