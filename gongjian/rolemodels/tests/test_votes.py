"""Votes: every refusal leaves no row, and the daily limits hold under concurrency."""

import datetime
import os
import secrets
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from gongjian.rolemodels import security, services
from gongjian.rolemodels.models import Category, Vote, Voter
from gongjian.rolemodels.tests.conftest import approve, entry_of, nominate, verify_phone


def cast(rnd: Any, entry: Any, voter: Any, **kw: Any) -> int:
    return services.vote_cast(round_id=rnd.pk, candidate_id=entry.pk, voter_id=voter.pk, client_ip="10.0.0.9", **kw)


def test_it_stores_a_vote_as_its_own_row(open_round: Any, voter: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    vote_id = cast(open_round, zhang, voter, device="dev-1")
    row = Vote.objects.get(pk=vote_id)
    assert (row.round_id, row.candidate_id, row.voter_id) == (open_round.pk, zhang.pk, voter.pk)
    assert row.day == timezone.localdate() and row.client_ip == "10.0.0.9"
    assert row.device_hash and row.device_hash != "dev-1"
    assert (row.candidate_slot, row.day_slot) == (0, 0)


def test_it_refuses_a_second_like_for_the_same_candidate_the_same_day(open_round: Any, voter: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    cast(open_round, zhang, voter)
    with pytest.raises(services.VoteRefused) as exc:
        cast(open_round, zhang, voter)
    assert exc.value.reason == "candidate_limit" and "今天已为这位候选人点过赞" in exc.value.text
    assert Vote.objects.count() == 1


def test_it_allows_the_next_day(open_round: Any, voter: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    cast(open_round, zhang, voter)
    cast(open_round, zhang, voter, now=timezone.now() + datetime.timedelta(days=1))
    assert Vote.objects.count() == 2


def test_it_refuses_over_the_daily_total(city_admin: Any, resident: Any, candidates: Any, voter: Any) -> None:
    third = approve(nominate(resident, "李四", Category.HELPING_OTHERS), city_admin)
    now = timezone.now()
    rnd = services.round_create(
        title="r", categories=[Category.HELPING_OTHERS, Category.FILIAL_PIETY],
        opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
        votes_per_candidate_per_day=1, votes_per_day=2, candidates=[candidates["zhang"], candidates["deng"], third],
    )  # fmt: skip
    cast(rnd, entry_of(rnd, "张满珍"), voter)
    cast(rnd, entry_of(rnd, "邓成明"), voter)
    with pytest.raises(services.VoteRefused) as exc:
        cast(rnd, entry_of(rnd, "李四"), voter)
    assert exc.value.reason == "daily_limit" and "2 次点赞已用完" in exc.value.text
    assert Vote.objects.count() == 2


def test_it_refuses_after_closing_before_opening_and_outside_the_round(
    open_round: Any, voter: Any, city_admin: Any, resident: Any
) -> None:
    zhang = entry_of(open_round, "张满珍")
    with pytest.raises(services.VoteRefused) as exc:
        cast(open_round, zhang, voter, now=open_round.closes_at)
    assert exc.value.reason == "closed" and "已截止" in exc.value.text
    with pytest.raises(services.VoteRefused) as exc:
        cast(open_round, zhang, voter, now=open_round.opens_at - datetime.timedelta(seconds=1))
    assert exc.value.reason == "not_open"
    other = services.round_create(
        title="北岭社区最美邻居", categories=[Category.BEST_NEIGHBOUR], opens_at=open_round.opens_at,
        closes_at=open_round.closes_at,
        candidates=[approve(nominate(resident, "王五", Category.BEST_NEIGHBOUR), city_admin)],
    )  # fmt: skip
    with pytest.raises(services.VoteRefused) as exc:
        cast(open_round, entry_of(other, "王五"), voter)
    assert exc.value.reason == "not_in_round" and "不在本轮评议中" in exc.value.text
    assert not Vote.objects.exists()


def test_it_refuses_an_unverified_account(open_round: Any, chengfa_liaison: Any) -> None:
    with pytest.raises(services.VoteRefused) as exc:
        services.vote_cast_for_user(
            user=chengfa_liaison, round_id=open_round.pk, candidate_id=entry_of(open_round, "张满珍").pk
        )
    assert exc.value.reason == "unverified" and "手机号验证" in exc.value.text
    assert not Vote.objects.exists()


def test_the_database_itself_refuses_a_slot_beyond_the_limit(open_round: Any, voter: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    base = {"round": open_round, "candidate": zhang, "voter": voter, "day": timezone.localdate()}
    Vote.objects.create(**base, candidate_slot=0, day_slot=0, candidate_limit=1, day_limit=2)
    with pytest.raises(IntegrityError), transaction.atomic():  # same slot twice
        Vote.objects.create(**base, candidate_slot=0, day_slot=1, candidate_limit=1, day_limit=2)
    with pytest.raises(IntegrityError), transaction.atomic():  # a slot at the limit
        Vote.objects.create(**base, candidate_slot=1, day_slot=1, candidate_limit=1, day_limit=2)
    assert Vote.objects.count() == 1


def test_it_asks_a_question_when_one_voter_votes_too_fast(
    open_round: Any, voter: Any, settings: Any, city_admin: Any, resident: Any
) -> None:
    settings.ROLEMODELS_VOTES_PER_VOTER_MINUTE = 1
    more = [approve(nominate(resident, f"候选{i}"), city_admin) for i in range(2)]
    services.round_update(round=open_round, candidates=[e.nomination for e in open_round.entries.all()] + more)
    services.round_config_forget()
    cast(open_round, entry_of(open_round, "张满珍"), voter)
    with pytest.raises(services.ChallengeRequired) as exc:
        cast(open_round, entry_of(open_round, "候选0"), voter)
    challenge = exc.value.challenge
    assert Vote.objects.count() == 1
    a, b = (int(x) for x in challenge.question.split("=")[0].split("+"))
    with pytest.raises(services.ChallengeRequired):  # a wrong answer asks again
        cast(open_round, entry_of(open_round, "候选0"), voter, challenge_token=challenge.token, challenge_answer="99")
    cast(open_round, entry_of(open_round, "候选0"), voter, challenge_token=challenge.token, challenge_answer=str(a + b))
    assert Vote.objects.count() == 2
    with pytest.raises(services.ChallengeRequired):  # each question answers once
        cast(
            open_round,
            entry_of(open_round, "候选1"),
            voter,
            challenge_token=challenge.token,
            challenge_answer=str(a + b),
        )


POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer")
@pytest.mark.django_db(transaction=True)
def test_it_stores_exactly_the_allowed_votes_under_concurrent_requests(
    city_admin: Any, resident: Any, settings: Any
) -> None:
    settings.ROLEMODELS_VOTES_PER_VOTER_MINUTE = 10_000
    settings.ROLEMODELS_VOTES_PER_ADDRESS_MINUTE = 10_000
    names = [f"候选{i}" for i in range(4)]
    nominations = [approve(nominate(resident, n), city_admin) for n in names]
    now = timezone.now()
    rnd = services.round_create(
        title="并发", categories=[Category.HELPING_OTHERS], opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1), votes_per_candidate_per_day=2, votes_per_day=5,
        candidates=nominations,
    )  # fmt: skip
    voter = verify_phone("13907330002")
    entries = [entry_of(rnd, n) for n in names]
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                try:
                    services.vote_cast(round_id=rnd.pk, candidate_id=entries[(i + j) % 4].pk, voter_id=voter.pk)
                    result = "ok"
                except services.VoteRefused as exc:
                    result = exc.reason
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 5
    assert Vote.objects.filter(voter=voter).count() == 5
    per_candidate = [Vote.objects.filter(voter=voter, candidate=e).count() for e in entries]
    assert max(per_candidate) <= 2
    assert set(outcomes) <= {"ok", "candidate_limit", "daily_limit"}
    assert connection.vendor == "postgresql"


def test_a_blocked_voter_cannot_vote_with_a_token_signed_before_the_block(
    client: Any, open_round: Any, voter: Any
) -> None:
    token = security.voter_token(voter.pk)
    Voter.objects.filter(pk=voter.pk).update(is_blocked=True)
    with pytest.raises(services.VoteRefused) as exc:
        cast(open_round, entry_of(open_round, "张满珍"), voter)
    assert exc.value.reason == "blocked"
    r = client.post(
        f"/rolemodels/rounds/{open_round.pk}/votes/",
        {"candidate": entry_of(open_round, "邓成明").pk},
        content_type="application/json",
        HTTP_X_VOTER_TOKEN=token,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "voter"
    assert not Vote.objects.exists()


def test_the_hit_counter_recovers_from_a_broken_connection_and_a_forgotten_script() -> None:
    client = services._redis()
    if client is None:
        pytest.skip("needs Redis (REDIS_URL=redis://…)")
    keys = [f"rm-vote:test:{secrets.token_hex(8)}"]
    assert services._count_hits(client, keys, 60) == [1]
    services._own_connection.conn._sock.close()  # the connection breaks: this hit goes through the pool
    assert services._count_hits(client, keys, 60) == [2]
    assert services._count_hits(client, keys, 60) == [3]  # and the next on a new connection of its own
    client.count_hits.sha = "0" * 40  # as if Redis had lost the script: the client loads it again
    assert services._count_hits(client, keys, 60) == [4]
    assert services._count_hits(client, keys, 60) == [5]
