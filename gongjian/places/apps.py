from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "gongjian.places"
    label = "places"
    verbose_name = _("地点")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.places import figures, jobs, policies  # noqa: F401

        audit.register(self.get_model("Place"), exclude=("path", "updated_at"))
