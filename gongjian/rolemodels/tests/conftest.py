"""先进典型 fixtures: the May 2023 湖南好人 round with the seed's two candidates, open now."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.rolemodels import services
from gongjian.rolemodels.models import Category, Nomination, NominatorKind, Round, Voter
from gongjian.rolemodels.sms import ConsoleSender


def nominate(actor: User, name: str, category: str = Category.HELPING_OTHERS, **kwargs: Any) -> Nomination:
    fields: dict[str, Any] = {
        "nominator_kind": NominatorKind.RESIDENT,
        "category": category,
        "nominee_name": name,
        "headline": f"{name}的事迹",
        "story": f"{name}多年如一日帮助邻里。",
        "consent_given": True,
        "consent_method": "本人签字的同意书",
    }
    fields.update(kwargs)
    return services.nomination_submit(actor=actor, **fields)


def approve(n: Nomination, admin: User) -> Nomination:
    return services.nomination_review(nomination=n, actor=admin, decision="approve")


def verify_phone(phone: str, user: User | None = None, ip: str = "10.0.0.1", device: str = "") -> Voter:
    services.code_request(phone=phone, client_ip=ip)
    message = ConsoleSender.last_message(phone) or ""
    code = "".join(ch for ch in message if ch.isdigit())[:6]
    return services.code_verify(phone=phone, code=code, user=user, client_ip=ip, device=device)


@pytest.fixture(autouse=True)
def _fresh_round_configs() -> Any:
    services.round_config_forget()
    ConsoleSender.outbox.clear()
    yield
    services.round_config_forget()


@pytest.fixture
def candidates(city_admin: User, resident: User) -> dict[str, Nomination]:
    zhang = nominate(resident, "张满珍", Category.HELPING_OTHERS, headline="环卫工驿站爱心早餐")
    deng = nominate(resident, "邓成明", Category.FILIAL_PIETY, headline="35 年照料瘫痪妻子")
    return {"zhang": approve(zhang, city_admin), "deng": approve(deng, city_admin)}


@pytest.fixture
def open_round(candidates: dict[str, Nomination]) -> Round:
    now = timezone.now()
    return services.round_create(
        title="2023年5月“湖南好人”点赞评议",
        categories=[Category.HELPING_OTHERS, Category.FILIAL_PIETY],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
        votes_per_candidate_per_day=1,
        votes_per_day=2,
        candidates=[candidates["zhang"], candidates["deng"]],
    )


@pytest.fixture
def voter(resident: User) -> Voter:
    return verify_phone("13807330001", user=resident)


def entry_of(rnd: Round, name: str) -> Any:
    return rnd.entries.get(nomination__nominee_name=name)
