from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobuildingConfig(AppConfig):
    name = "gongjian.cobuilding"
    label = "cobuilding"
    verbose_name = _("共建工作")

    def ready(self) -> None:
        from gongjian.cobuilding import figures, policies, scores  # noqa: F401
        from gongjian.core import audit

        audit.register(self.get_model("Plan"), exclude=("updated_at",))
        audit.register(self.get_model("PlanItem"), exclude=("updated_at",))
        audit.register(self.get_model("PlanRevision"))
        audit.register(self.get_model("Project"), exclude=("updated_at",))
        audit.register(self.get_model("ProjectPhoto"), exclude=("width", "height"))
        audit.register(self.get_model("Contribution"), exclude=("updated_at",))
        audit.register(self.get_model("Commendation"), exclude=("photo_width", "photo_height"))
        audit.register(self.get_model("ScoreWeight"), exclude=("updated_at",))
