"""The public round page, liking and commenting from it, the JSON vote endpoint and the API."""

import datetime
import json
import logging
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.rolemodels import security, services
from gongjian.rolemodels.models import Comment, CommentStatus, Round, Vote
from gongjian.rolemodels.sms import ConsoleSender
from gongjian.rolemodels.tests.conftest import entry_of


def round_url(rnd: Round) -> str:
    return reverse("rolemodels:round-detail", args=[rnd.pk])


def test_anonymous_sees_the_round_and_is_asked_to_verify(client: Client, open_round: Any) -> None:
    body = client.get(round_url(open_round)).content.decode()
    assert "张满珍" in body and "邓成明" in body and "验证手机号后点赞" in body
    assert 'data-testid="like"' not in body
    assert "gj_device" in client.cookies


def test_the_round_page_reads_counts_from_the_cache(
    client: Client, open_round: Any, voter: Any, django_assert_max_num_queries: Any
) -> None:
    services.vote_cast(round_id=open_round.pk, candidate_id=entry_of(open_round, "张满珍").pk, voter_id=voter.pk)
    client.get(round_url(open_round))
    with django_assert_max_num_queries(3):  # round, entries, comments; the counts come from the cache
        body = client.get(round_url(open_round)).content.decode()
    assert 'data-testid="count">1<' in body


def test_a_resident_verifies_likes_and_is_refused_a_second_like(client: Client, open_round: Any, resident: Any) -> None:
    client.force_login(resident)
    verify = reverse("rolemodels:verify") + "?next=" + round_url(open_round)
    client.post(verify, {"step": "send", "phone": "13807330009"})
    code = "".join(ch for ch in ConsoleSender.last_message("13807330009") or "" if ch.isdigit())[:6]
    response = client.post(
        verify, {"step": "check", "phone": "13807330009", "code": code, "next": round_url(open_round)}
    )
    assert response.status_code == 302 and response["Location"] == round_url(open_round)
    zhang = entry_of(open_round, "张满珍")
    response = client.post(reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": zhang.pk}, follow=True)
    assert "点赞成功" in response.content.decode()
    response = client.post(reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": zhang.pk}, follow=True)
    assert "今天已为这位候选人点过赞" in response.content.decode()
    assert Vote.objects.count() == 1


def test_an_unverified_account_is_sent_to_verify(client: Client, open_round: Any, chengfa_liaison: Any) -> None:
    client.force_login(chengfa_liaison)
    response = client.post(
        reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": entry_of(open_round, "张满珍").pk}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("rolemodels:verify"))
    assert not Vote.objects.exists()


def test_too_fast_asks_a_question_on_the_page(
    client: Client, open_round: Any, resident: Any, voter: Any, settings: Any
) -> None:
    settings.ROLEMODELS_VOTES_PER_VOTER_MINUTE = 1
    client.force_login(resident)
    url = reverse("rolemodels:vote", args=[open_round.pk])
    client.post(url, {"candidate": entry_of(open_round, "张满珍").pk})
    deng = entry_of(open_round, "邓成明")
    response = client.post(url, {"candidate": deng.pk})
    assert response.status_code == 429
    challenge = response.context["challenge"]
    a, b = (int(x) for x in challenge.question.split("=")[0].split("+"))
    client.post(url, {"candidate": deng.pk, "challenge_token": challenge.token, "challenge_answer": str(a + b)})
    assert Vote.objects.count() == 2


def test_counts_stay_hidden_while_open_if_the_round_says_so(client: Client, open_round: Any, city_admin: Any) -> None:
    Round.objects.filter(pk=open_round.pk).update(show_counts_while_open=False)
    assert 'data-testid="count"' not in client.get(round_url(open_round)).content.decode()
    client.force_login(city_admin)
    assert 'data-testid="count"' in client.get(round_url(open_round)).content.decode()


def test_comments_show_after_moderation(
    client: Client, open_round: Any, resident: Any, voter: Any, city_admin: Any
) -> None:
    zhang = entry_of(open_round, "张满珍")
    client.force_login(resident)
    client.post(reverse("rolemodels:comment", args=[zhang.pk]), {"body": "<b>为张大姐点赞</b>"})
    c = Comment.objects.get()
    assert c.status == CommentStatus.PENDING
    assert "为张大姐点赞" not in client.get(round_url(open_round)).content.decode()
    assert client.get(reverse("rolemodels:moderation")).status_code == 403
    assert client.post(reverse("rolemodels:moderate", args=[c.pk]), {"approve": "on"}).status_code == 403
    client.force_login(city_admin)
    assert "为张大姐点赞" in client.get(reverse("rolemodels:moderation")).content.decode()
    client.post(reverse("rolemodels:moderate", args=[c.pk]), {"approve": "on"})
    client.logout()
    body = client.get(round_url(open_round)).content.decode()
    assert "&lt;b&gt;为张大姐点赞&lt;/b&gt;" in body and "<b>为张大姐点赞" not in body


def test_a_comment_needs_a_verified_phone(client: Client, open_round: Any, chengfa_liaison: Any) -> None:
    client.force_login(chengfa_liaison)
    response = client.post(
        reverse("rolemodels:comment", args=[entry_of(open_round, "张满珍").pk]), {"body": "好"}, follow=True
    )
    assert "请先用手机号验证" in response.content.decode()
    assert not Comment.objects.exists()


def post_json(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_the_json_vote_endpoint(client: Client, open_round: Any, voter: Any) -> None:
    url = reverse("rolemodels:vote-json", args=[open_round.pk])
    token = security.voter_token(voter.pk)
    zhang = entry_of(open_round, "张满珍")
    response = post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token})
    assert response.status_code == 201 and Vote.objects.filter(pk=response.json()["id"]).exists()
    response = post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "candidate"
    assert post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token + "x"}).status_code == 401
    assert post_json(client, url, {"candidate": "1"}, **{"X-Voter-Token": token}).status_code == 422
    assert post_json(client, url, {"candidate": zhang.pk}).status_code == 401
    missing = reverse("rolemodels:vote-json", args=[999999])
    assert post_json(client, missing, {"candidate": zhang.pk}, **{"X-Voter-Token": token}).status_code == 404
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    services.round_config_forget()
    response = post_json(client, url, {"candidate": entry_of(open_round, "邓成明").pk}, **{"X-Voter-Token": token})
    assert response.status_code == 400 and "已截止" in response.json()["detail"]
    assert Vote.objects.count() == 1


def test_refusals_the_crowd_meets_are_not_logged_as_warnings(
    client: Client, open_round: Any, voter: Any, caplog: Any
) -> None:
    url = reverse("rolemodels:vote-json", args=[open_round.pk])
    token = security.voter_token(voter.pk)
    zhang = entry_of(open_round, "张满珍")
    assert post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token}).status_code == 201
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token}).status_code == 400
    assert not caplog.records  # a used-up limit: an answer, not a warning
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert post_json(client, url, {"candidate": zhang.pk}, **{"X-Voter-Token": token + "x"}).status_code == 401
        assert post_json(client, url, {"candidate": "1"}, **{"X-Voter-Token": token}).status_code == 422
    assert [r.status_code for r in caplog.records] == [401, 422]  # forged tokens and bad bodies are
    caplog.clear()
    api = f"/api/rolemodels/rounds/{open_round.pk}/votes"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert post_json(client, api, {"candidate": zhang.pk}, **{"X-Voter-Token": token}).status_code == 400
    assert not caplog.records  # the API's refusal is as quiet as the plain endpoint's


def test_the_json_endpoint_checks_csrf_for_a_session(open_round: Any, resident: Any, voter: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    url = reverse("rolemodels:vote-json", args=[open_round.pk])
    assert post_json(client, url, {"candidate": entry_of(open_round, "张满珍").pk}).status_code == 403
    assert not Vote.objects.exists()


def test_the_api_verifies_a_phone_and_takes_a_vote(client: Client, open_round: Any) -> None:
    assert post_json(client, "/api/rolemodels/voters/code", {"phone": "13807330077"}).status_code == 202
    code = "".join(ch for ch in ConsoleSender.last_message("13807330077") or "" if ch.isdigit())[:6]
    response = post_json(client, "/api/rolemodels/voters/verify", {"phone": "13807330077", "code": code})
    token = response.json()["token"]
    board = client.get(f"/api/rolemodels/rounds/{open_round.pk}").json()
    entry = board["entries"][0]["id"]
    vote = post_json(
        client, f"/api/rolemodels/rounds/{open_round.pk}/votes", {"candidate": entry}, **{"X-Voter-Token": token}
    )
    assert vote.status_code == 201
    again = post_json(
        client, f"/api/rolemodels/rounds/{open_round.pk}/votes", {"candidate": entry}, **{"X-Voter-Token": token}
    )
    assert again.status_code == 400 and "今天已为这位候选人点过赞" in again.json()["detail"]
    assert post_json(client, f"/api/rolemodels/rounds/{open_round.pk}/votes", {"candidate": entry}).status_code == 401


def test_the_api_office_endpoints_are_the_office_s(
    client: Client, open_round: Any, chengfa_liaison: Any, city_admin: Any
) -> None:
    url = f"/api/rolemodels/rounds/{open_round.pk}/anomalies"
    assert client.get(url).status_code == 401
    client.force_login(chengfa_liaison)
    assert client.get(url).status_code == 403
    assert client.post(f"/api/rolemodels/rounds/{open_round.pk}/recount").status_code in (403,)
    client.force_login(city_admin)
    assert client.get(url).json() == []


def test_the_outcome_of_a_like_shows_in_the_candidate_s_card(
    client: Client, open_round: Any, resident: Any, voter: Any
) -> None:
    client.force_login(resident)
    zhang, deng = entry_of(open_round, "张满珍"), entry_of(open_round, "邓成明")
    response = client.post(reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": zhang.pk})
    assert response["Location"].endswith(f"#c{zhang.pk}")
    page = client.get(response["Location"]).content.decode()
    card = page[page.index(f'id="c{zhang.pk}"') : page.index(f'id="c{deng.pk}"')]
    assert 'data-testid="flash"' in card and "点赞成功" in card
    assert 'data-testid="liked"' in card  # this candidate: liked today
    # The day's numbers, each marked for the page's script, which counts on after a like in place.
    assert "你今天已点赞 <span data-vote-used>1</span> 次，还可点赞 <span data-vote-left>1</span> 次。" in page
    rest = page[page.index(f'id="c{deng.pk}"') :]
    assert 'data-testid="liked"' not in rest and 'data-testid="flash"' not in rest
    again = client.get(round_url(open_round)).content.decode()
    assert 'data-testid="flash"' not in again  # shown once
    client.post(reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": zhang.pk})
    page = client.get(round_url(open_round)).content.decode()
    card = page[page.index(f'id="c{zhang.pk}"') : page.index(f'id="c{deng.pk}"')]
    assert "今天已为这位候选人点过赞" in card and Vote.objects.count() == 1


def test_a_comment_after_closing_is_refused_and_stored_nowhere(
    client: Client, open_round: Any, resident: Any, voter: Any
) -> None:
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    zhang = entry_of(open_round, "张满珍")
    client.force_login(resident)
    response = client.post(reverse("rolemodels:comment", args=[zhang.pk]), {"body": "迟到的评议"}, follow=True)
    assert "评议不在进行中" in response.content.decode()
    assert not Comment.objects.exists()
    page = client.get(round_url(open_round)).content.decode()
    assert 'data-testid="like"' not in page and "评议已截止" in page


def test_a_blocked_voter_can_neither_like_nor_comment(
    client: Client, open_round: Any, resident: Any, voter: Any
) -> None:
    type(voter).objects.filter(pk=voter.pk).update(is_blocked=True)
    client.force_login(resident)
    zhang = entry_of(open_round, "张满珍")
    response = client.post(reverse("rolemodels:vote", args=[open_round.pk]), {"candidate": zhang.pk})
    assert response["Location"].startswith(reverse("rolemodels:verify"))
    client.post(reverse("rolemodels:comment", args=[zhang.pk]), {"body": "好"})
    assert not Vote.objects.exists() and not Comment.objects.exists()


def test_round_pages_escape_what_the_nominator_typed(client: Client, resident: Any, city_admin: Any) -> None:
    from gongjian.rolemodels.models import Category
    from gongjian.rolemodels.tests.conftest import approve, nominate

    evil = "<script>alert(1)</script>"
    n = approve(nominate(resident, evil + "张", headline=evil, story=evil + "x" * 300), city_admin)
    now = timezone.now()
    rnd = services.round_create(
        title=evil, description=evil, categories=[Category.HELPING_OTHERS], opens_at=now,
        closes_at=now + datetime.timedelta(days=1), candidates=[n],
    )  # fmt: skip
    for url in (round_url(rnd), reverse("rolemodels:index"), reverse("rolemodels:candidate-detail", args=[n.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_the_candidate_page_leads_to_the_open_round(client: Client, open_round: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    body = client.get(reverse("rolemodels:candidate-detail", args=[zhang.nomination_id])).content.decode()
    assert 'data-testid="go-like"' in body and f"#c{zhang.pk}" in body


def test_published_results_show_each_category_s_ranking(client: Client, open_round: Any, city_admin: Any) -> None:
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    open_round.refresh_from_db()
    services.round_publish_results(round=open_round, actor=city_admin)
    body = client.get(round_url(open_round)).content.decode()
    assert body.count('class="rm-group"') == 2 and body.count("第 1 名") == 2
    assert body.index(">助人为乐</h2>") < body.index(">孝老爱亲</h2>")  # the round's order of categories
    assert "经核查剔除异常点赞 0 票" in body
