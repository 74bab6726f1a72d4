"""``manage.py load_demo``: loads into an empty database only, and makes accounts only in demo mode."""

import io

import pytest
from django.core.management import CommandError, call_command

from gongjian.accounts.models import User
from gongjian.accounts.services import user_create
from gongjian.pairings.models import Pairing, Visit
from gongjian.places.models import Place
from gongjian.units.models import Unit

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Place.objects.count(),
        Unit.objects.count(),
        Pairing.objects.count(),
        Visit.objects.count(),
        User.objects.count(),
    )


def test_it_skips_demo_accounts_when_demo_mode_is_off(settings) -> None:
    settings.DEMO_MODE = False
    out = _load()
    assert Unit.objects.count() == 111
    assert not User.objects.exists()
    assert "demo accounts skipped" in out


def test_it_loads_only_into_an_empty_database() -> None:
    out = _load("--if-empty")
    assert "Loaded the Zhuzhou demo" in out and "2023: 111" in out
    loaded = _counts()
    # The base demo's six accounts and those the app steps add (e.g. volunteers' ``volunteer``), each listed once.
    listed = out.split("demo accounts (password demo-pass-2023): ")[1].splitlines()[0].split(", ")
    assert loaded[4] == len(listed) >= 6 and User.objects.filter(username__in=listed).count() == len(listed)
    assert "not loaded" in _load("--if-empty")
    assert _counts() == loaded
    with pytest.raises(CommandError, match="empty database"):
        _load()
    assert _counts() == loaded


def test_it_leaves_a_taken_username_alone() -> None:
    admin = user_create(username="wenmingban", password="someone-elses-pass", display_name="已有账号")
    out = _load()
    admin.refresh_from_db()
    assert admin.check_password("someone-elses-pass") and not admin.memberships.exists()
    assert User.objects.filter(username="chengfa").exists()
    assert "wenmingban" in out.split("left as they were")[1]
