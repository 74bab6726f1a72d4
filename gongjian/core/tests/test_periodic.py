from django.core.management import call_command

from gongjian.core.management.commands import periodic


def test_it_runs_each_scheduled_command_once_and_survives_a_failing_one(monkeypatch, settings, capsys):
    ran: list[str] = []

    def fake_call_command(name, **kwargs):
        if name == "broken_job":
            raise RuntimeError("mail server down")
        ran.append(name)

    monkeypatch.setattr(periodic, "call_command", fake_call_command)
    settings.PERIODIC_COMMANDS = [("broken_job", 60), ("record_it", 60), ("record_that", 3600)]
    call_command("periodic", "--once")
    assert ran == ["record_it", "record_that"]  # the broken job before them did not stop them
    assert "broken_job failed" in capsys.readouterr().err


def test_every_scheduled_command_exists(settings):
    from django.core.management import get_commands

    missing = [name for name, _every in settings.PERIODIC_COMMANDS if name not in get_commands()]
    assert missing == []
