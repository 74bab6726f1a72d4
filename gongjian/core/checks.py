"""``manage.py check --deploy``: the settings a production server must not keep from development."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

# Each setting whose default only suits a development machine, and why it matters.
_DEVELOPMENT_DEFAULTS = {
    "SECRET_KEY": ("gongjian.E001", "signs sessions, voter tokens, follow links and derives the volunteer data key"),
    "ROLEMODELS_PHONE_KEY": ("gongjian.E002", "keys the hashes of voters' phone numbers"),
}


@register(Tags.security, deploy=True)
def development_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse to call a deployment ready while a secret is still the published development value."""
    found = []
    for name, (check_id, why) in _DEVELOPMENT_DEFAULTS.items():
        if str(getattr(settings, name, "")).startswith("insecure-"):
            found.append(
                Error(
                    f"{name} is the development default; set a long random value ({why}).",
                    id=check_id,
                )
            )
    if settings.DEMO_MODE:
        found.append(
            Error("DEMO_MODE is on: the demo accounts and their published password exist.", id="gongjian.E010")
        )
    if settings.ROLEMODELS_SMS_SENDER.endswith(".ConsoleSender"):
        found.append(
            Error(
                "ROLEMODELS_SMS_SENDER is the console sender: voters' one-time codes would go to the log, "
                "not to their phones; name the SMS gateway's adapter.",
                id="gongjian.E011",
            )
        )
    return found
