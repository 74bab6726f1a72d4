from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "gongjian.open311"
    label = "open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.open311 import policies  # noqa: F401

        # The hash is a secret's fingerprint and last use changes all the time: neither is audited.
        audit.register(self.get_model("ApiKey"), exclude=("key_hash", "last_used_at"))
