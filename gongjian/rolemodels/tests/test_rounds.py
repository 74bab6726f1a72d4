"""Rounds: set up by the office only, with approved candidates of their categories; the dashboard
shows the current round's likes."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.rolemodels import services
from gongjian.rolemodels.models import Category, Round
from gongjian.rolemodels.tests.conftest import entry_of, nominate


def test_the_office_opens_a_round_from_the_page(client: Client, city_admin: Any, candidates: Any) -> None:
    client.force_login(city_admin)
    response = client.post(
        reverse("rolemodels:round-create"),
        {
            "title": "湖南好人",
            "categories": [Category.HELPING_OTHERS, Category.FILIAL_PIETY],
            "opens_at": "2023-05-08T09:00",
            "closes_at": "2023-05-24T00:00",
            "votes_per_candidate_per_day": 1,
            "votes_per_day": 2,
            "show_counts_while_open": "on",
            "candidates": [candidates["zhang"].pk, candidates["deng"].pk],
        },
    )
    rnd = Round.objects.get()
    assert response.status_code == 302 and rnd.entries.count() == 2
    assert timezone.localtime(rnd.closes_at).date() == datetime.date(2023, 5, 24)


def test_others_cannot_open_rounds(client: Client, chengfa_liaison: Any, resident: Any) -> None:
    for who in (chengfa_liaison, resident):
        client.force_login(who)
        assert client.get(reverse("rolemodels:round-create")).status_code == 403


def test_a_round_takes_only_approved_candidates_of_its_categories(
    city_admin: Any, resident: Any, candidates: Any
) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"title": "r", "opens_at": now, "closes_at": now + datetime.timedelta(days=1)}
    with pytest.raises(ValidationError) as exc:
        services.round_create(categories=[Category.BEST_NEIGHBOUR], candidates=[candidates["zhang"]], **fields)
    assert "类别不在本轮" in exc.value.message_dict["candidates"][0]
    with pytest.raises(ValidationError, match="尚未通过审核"):
        services.round_create(categories=[Category.HELPING_OTHERS], candidates=[nominate(resident, "新人")], **fields)
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            categories=[Category.HELPING_OTHERS], votes_per_day=1, votes_per_candidate_per_day=2, **fields
        )
    assert "votes_per_day" in exc.value.message_dict
    assert not Round.objects.exists()


def test_limits_cannot_change_once_votes_exist(open_round: Any, voter: Any) -> None:
    services.vote_cast(round_id=open_round.pk, candidate_id=entry_of(open_round, "张满珍").pk, voter_id=voter.pk)
    with pytest.raises(ValidationError) as exc:
        services.round_update(round=open_round, votes_per_day=5)
    assert "votes_per_day" in exc.value.message_dict


def test_the_dashboard_shows_the_round(client: Client, open_round: Any, voter: Any, chengfa_liaison: Any) -> None:
    services.vote_cast(round_id=open_round.pk, candidate_id=entry_of(open_round, "张满珍").pk, voter_id=voter.pk)
    client.force_login(chengfa_liaison)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert "点赞评议：2023年5月“湖南好人”点赞评议" in body and 'data-figure="rolemodels.round"' in body


def test_a_candidate_leaves_a_round_only_while_nobody_liked_or_commented(
    open_round: Any, voter: Any, candidates: Any
) -> None:
    zhang, deng = candidates["zhang"], candidates["deng"]
    services.vote_cast(round_id=open_round.pk, candidate_id=entry_of(open_round, "张满珍").pk, voter_id=voter.pk)
    with pytest.raises(ValidationError) as exc:
        services.round_update(round=open_round, candidates=[deng])
    assert "张满珍" in exc.value.message_dict["candidates"][0]
    assert open_round.entries.count() == 2
    services.round_update(round=open_round, candidates=[zhang])
    assert list(open_round.entries.values_list("nomination__nominee_name", flat=True)) == ["张满珍"]


def test_the_round_form_lists_categories_and_candidates_under_their_labels(
    client: Client, city_admin: Any, candidates: Any
) -> None:
    client.force_login(city_admin)
    page = client.get(reverse("rolemodels:round-create")).content.decode()
    assert page.count('<fieldset class="field checks') == 2
    assert "<legend>类别" in page and "<legend>候选人（已通过审核）" in page
    response = client.post(reverse("rolemodels:round-create"), {"title": "空", "opens_at": "2023-05-08T09:00"})
    body = response.content.decode()
    assert response.status_code == 200 and "截止时间：" in body and "类别：" in body
    assert not Round.objects.exists()
