from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "gongjian.volunteers"
    label = "volunteers"
    verbose_name = _("志愿服务")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.volunteers import figures, jobs, policies, scores  # noqa: F401

        # Encrypted numbers and their hashes stay out of the trail; the masked copies say enough.
        secret = ("phone_encrypted", "phone_hash", "id_number_encrypted", "id_number_hash", "updated_at")
        audit.register(self.get_model("Volunteer"), exclude=secret)
        audit.register(self.get_model("Team"))
        audit.register(self.get_model("Activity"), exclude=("updated_at",))
        audit.register(self.get_model("Signup"))
        audit.register(self.get_model("ServiceRecord"))
        audit.register(self.get_model("RecordEntry"))
        audit.register(self.get_model("HourRule"), exclude=("updated_at",))
        audit.register(self.get_model("Statement"))
