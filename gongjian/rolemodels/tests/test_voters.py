"""Phone verification: codes hashed, expiring, attempt- and rate-limited; phones kept only as a
keyed hash; one account per phone."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongjian.rolemodels import security, services
from gongjian.rolemodels.models import PhoneCode, Voter
from gongjian.rolemodels.sms import ConsoleSender
from gongjian.rolemodels.tests.conftest import verify_phone

pytestmark = pytest.mark.django_db


def sent_code(phone: str) -> str:
    return "".join(ch for ch in ConsoleSender.last_message(phone) or "" if ch.isdigit())[:6]


def test_it_sends_a_code_and_keeps_only_hashes() -> None:
    services.code_request(phone="138 0733 0001", client_ip="10.0.0.1")
    code = sent_code("13807330001")
    row = PhoneCode.objects.get()
    assert len(code) == 6 and code not in row.code_hash and "13807330001" not in row.phone_hash
    voter = services.code_verify(phone="+86 13807330001", code=code, client_ip="10.0.0.1", device="abc")
    assert voter.phone_hash == security.phone_hash("13807330001") and voter.phone_hint == "0001"
    assert not Voter.objects.filter(phone_hash__contains="13807330001").exists()
    assert voter.user.username.startswith("voter-") and not voter.user.has_usable_password()


def test_the_console_sender_logs_the_number_masked(caplog: Any, capsys: Any) -> None:
    services.code_request(phone="13807330002", client_ip="10.0.0.2")
    shown = caplog.text + capsys.readouterr().out
    assert "138****0002" in shown and "13807330002" not in shown
    assert len(sent_code("13807330002")) == 6  # the outbox still answers by the full number


def test_it_refuses_a_wrong_number() -> None:
    with pytest.raises(ValidationError) as exc:
        services.code_request(phone="12345", client_ip=None)
    assert "11 位手机号码" in exc.value.message_dict["phone"][0]


def test_it_counts_wrong_codes_and_spends_the_code(settings: Any) -> None:
    settings.ROLEMODELS_CODE_MAX_ATTEMPTS = 3
    services.code_request(phone="13807330001", client_ip=None)
    good = sent_code("13807330001")
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(ValidationError, match="验证码不正确"):
            services.code_verify(phone="13807330001", code=wrong)
    with pytest.raises(ValidationError, match="错误次数过多"):
        services.code_verify(phone="13807330001", code=wrong)
    with pytest.raises(ValidationError, match="已失效"):
        services.code_verify(phone="13807330001", code=good)
    assert not Voter.objects.exists()


def test_it_lets_a_code_expire() -> None:
    services.code_request(phone="13807330001", client_ip=None)
    code = sent_code("13807330001")
    later = timezone.now() + datetime.timedelta(minutes=11)
    with time_machine.travel(later), pytest.raises(ValidationError, match="已失效"):
        services.code_verify(phone="13807330001", code=code)


def test_a_code_is_used_once() -> None:
    voter = verify_phone("13807330001")
    with pytest.raises(ValidationError, match="已失效"):
        services.code_verify(phone="13807330001", code="123456")
    assert Voter.objects.get() == voter


def test_it_limits_codes_per_phone_and_per_address(settings: Any) -> None:
    settings.ROLEMODELS_CODES_PER_PHONE = 2
    settings.ROLEMODELS_CODES_PER_ADDRESS = 3
    for _ in range(2):
        services.code_request(phone="13807330001", client_ip="10.0.0.1")
    with pytest.raises(ValidationError, match="过于频繁"):
        services.code_request(phone="13807330001", client_ip="10.0.0.2")
    services.code_request(phone="13807330002", client_ip="10.0.0.1")
    with pytest.raises(ValidationError, match="过于频繁"):
        services.code_request(phone="13807330003", client_ip="10.0.0.1")


def test_one_account_per_phone(resident: Any, chengfa_liaison: Any) -> None:
    voter = verify_phone("13807330001", user=resident)
    assert voter.user == resident
    assert verify_phone("13807330001") == voter  # the same phone signs in to the same account
    with pytest.raises(ValidationError, match="已绑定另一个账号"):
        verify_phone("13807330001", user=chengfa_liaison)
    with pytest.raises(ValidationError, match="已绑定另一个手机号"):
        verify_phone("13807330002", user=resident)
    assert Voter.objects.count() == 1


def test_voter_tokens_are_signed() -> None:
    token = security.voter_token(42)
    assert security.voter_from_token(token) == 42
    assert security.voter_from_token(token[:-2] + "xx") is None
    assert security.voter_from_token("42") is None


def test_a_checked_token_still_expires_and_a_new_key_refuses_it(settings: Any) -> None:
    token = security.voter_token(42)
    assert security.voter_from_token(token) == 42
    assert security.voter_from_token(token) == 42  # the second time from the process's memory
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=security.VOTER_TOKEN_MAX_AGE + 1)):
        assert security.voter_from_token(token) is None
    assert security.voter_from_token(token) == 42
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert security.voter_from_token(token) is None


def test_a_code_does_not_sign_a_visitor_in_to_a_platform_account(client: Any, resident: Any) -> None:
    from django.urls import reverse

    verify_phone("13807330001", user=resident)  # the resident bound the phone while signed in
    url = reverse("rolemodels:verify")
    client.post(url, {"step": "send", "phone": "13807330001"})
    response = client.post(url, {"step": "check", "phone": "13807330001", "code": sent_code("13807330001")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session  # still anonymous: the password signs in, not a text message
    assert Voter.objects.count() == 1


def test_a_voting_account_signs_in_again_with_a_new_code(client: Any) -> None:
    from django.urls import reverse

    voter = verify_phone("13807330001")
    url = reverse("rolemodels:verify")
    client.post(url, {"step": "send", "phone": "13807330001"})
    client.post(url, {"step": "check", "phone": "13807330001", "code": sent_code("13807330001")})
    assert client.session["_auth_user_id"] == str(voter.user_id)


def test_the_demo_shows_the_code_only_in_demo_mode(client: Any, settings: Any) -> None:
    from django.urls import reverse

    url = reverse("rolemodels:verify")
    settings.DEMO_MODE = False
    page = client.post(url, {"step": "send", "phone": "13807330001"}, follow=True).content.decode()
    assert "演示模式" not in page and sent_code("13807330001") not in page
    settings.DEMO_MODE = True
    page = client.post(url, {"step": "send", "phone": "13807330002"}, follow=True).content.decode()
    assert f"验证码是 {sent_code('13807330002')}" in page


def test_the_phone_number_is_stored_nowhere_in_the_clear(resident: Any) -> None:
    from django.apps import apps
    from django.db import models

    verify_phone("13807330001", user=resident)
    verify_phone("13907330002")
    for model in apps.get_models():
        kinds = models.CharField | models.TextField | models.JSONField
        text_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, kinds)]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            flat = " ".join(str(v) for v in row)
            assert "13807330001" not in flat and "07330001" not in flat, model
            assert "13907330002" not in flat, model
