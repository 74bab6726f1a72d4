from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongjian.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from gongjian.accounts import policies  # noqa: F401
        from gongjian.core import audit

        audit.register(self.get_model("User"), exclude=("password", "last_login"))
        audit.register(self.get_model("Membership"))
        audit.register(self.get_model("ApiToken"), exclude=("key_hash", "last_used_at"))
