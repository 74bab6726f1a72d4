"""`manage.py check --deploy` names the development secrets, demo mode and the console SMS sender."""

from typing import Any

from gongjian.core.checks import development_keys


def test_it_names_each_development_secret_and_demo_mode(settings: Any) -> None:
    settings.SECRET_KEY = "insecure-development-key-change-me-in-production-0123456789"
    settings.ROLEMODELS_PHONE_KEY = "insecure-phone-hash-key-change-me"
    settings.DEMO_MODE = True
    settings.ROLEMODELS_SMS_SENDER = "gongjian.rolemodels.sms.ConsoleSender"
    messages = [e.msg for e in development_keys()]
    assert len(messages) == 4
    assert messages[0].startswith("SECRET_KEY") and messages[1].startswith("ROLEMODELS_PHONE_KEY")
    assert "DEMO_MODE" in messages[2] and messages[3].startswith("ROLEMODELS_SMS_SENDER")


def test_it_passes_real_secrets(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 10 + "x9Q!7zR2@pL4#mV8^bN1&cT6*"
    settings.ROLEMODELS_PHONE_KEY = "another long random value 7f3e1c"
    settings.DEMO_MODE = False
    settings.ROLEMODELS_SMS_SENDER = "city.sms.GatewaySender"
    assert development_keys() == []
