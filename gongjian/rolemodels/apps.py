from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolemodelsConfig(AppConfig):
    name = "gongjian.rolemodels"
    label = "rolemodels"
    verbose_name = _("先进典型")

    def ready(self) -> None:
        from gongjian.core import audit
        from gongjian.rolemodels import figures, policies  # noqa: F401

        audit.register(self.get_model("Nomination"), exclude=("updated_at",))
        audit.register(self.get_model("NominationPhoto"), exclude=("width", "height"))
        audit.register(self.get_model("Round"), exclude=("updated_at",))
        audit.register(self.get_model("RoundCandidate"), exclude=("votes", "excluded_votes", "counted_at"))
        audit.register(self.get_model("Comment"))
        audit.register(self.get_model("Quarantine"))
        # Votes, voters' codes: their own rows are the record (a vote is never changed but by a
        # quarantine, which is audited); a trail entry per vote would double the write load.
        audit.register(self.get_model("Voter"), exclude=("phone_hash",))
