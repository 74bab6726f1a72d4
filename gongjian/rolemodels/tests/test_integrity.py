"""Anomaly report, quarantine with a reason (audited), counts recomputed from the rows, published
results with the votes excluded; all of it the city office's alone."""

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.core import audit
from gongjian.core.models import AuditEntry
from gongjian.rolemodels import services
from gongjian.rolemodels.models import Round, Vote, Voter
from gongjian.rolemodels.tests.conftest import entry_of


def make_voters(n: int, *, ip: str = "", device: str = "", start: int = 0) -> list[Voter]:
    now = timezone.now()
    users = [User.objects.create(username=f"v{start + i}") for i in range(n)]
    return [
        Voter.objects.create(user=u, phone_hash=f"{start + i:064d}", verified_at=now, created_ip=ip or None,
                             device_hash=device)
        for i, u in enumerate(users)
    ]  # fmt: skip


def add_votes(rnd: Round, entry: Any, voters: list[Voter], *, at: datetime.datetime, step: float = 60.0,
              ip: str = "10.1.0.1", device: str = "") -> list[int]:  # fmt: skip
    rows = [
        Vote(round=rnd, candidate=entry, voter=v, day=timezone.localdate(at), candidate_slot=0, day_slot=0,
             candidate_limit=1, day_limit=2, created_at=at + datetime.timedelta(seconds=i * step),
             client_ip=ip, device_hash=device)
        for i, v in enumerate(voters)
    ]  # fmt: skip
    return [v.pk for v in Vote.objects.bulk_create(rows)]


def test_it_reports_a_burst_for_one_candidate(open_round: Any) -> None:
    zhang, deng = entry_of(open_round, "张满珍"), entry_of(open_round, "邓成明")
    base = open_round.opens_at
    # Three quiet hours, two votes each, then 40 votes in five minutes for 张满珍.
    quiet = make_voters(6, start=0)
    for hour in range(3):
        add_votes(open_round, zhang, quiet[hour * 2 : hour * 2 + 2], at=base + datetime.timedelta(hours=hour),
                  ip=f"10.2.{hour}.1", step=1000)  # fmt: skip
    crowd = make_voters(40, start=100)
    burst = add_votes(open_round, zhang, crowd, at=base + datetime.timedelta(hours=5), step=7.3, ip="")
    add_votes(open_round, deng, make_voters(3, start=200), at=base + datetime.timedelta(hours=5), ip="10.3.0.1",
              step=400)  # fmt: skip
    findings = [f for f in services.round_anomalies(round=open_round) if f.kind == "burst"]
    assert len(findings) == 1 and "张满珍" in findings[0].title
    assert sorted(findings[0].vote_ids) == sorted(burst)


def test_it_reports_many_new_accounts_from_one_address_or_device(open_round: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    farm = make_voters(6, ip="10.9.9.9", start=0)
    phone = make_voters(5, device="d" * 32, start=50)
    ok = make_voters(3, ip="10.8.0.1", start=90)
    farm_votes = add_votes(open_round, zhang, farm, at=open_round.opens_at, step=301, ip="")
    add_votes(open_round, zhang, phone + ok, at=open_round.opens_at + datetime.timedelta(hours=1), step=317, ip="")
    kinds = {f.kind: f for f in services.round_anomalies(round=open_round)}
    assert set(kinds) == {"accounts_address", "accounts_device"}
    assert sorted(kinds["accounts_address"].vote_ids) == sorted(farm_votes)
    assert len(kinds["accounts_device"].vote_ids) == 5


def test_accounts_are_many_from_one_address_only_when_they_are_new_together(open_round: Any) -> None:
    """An address many households share (a compound's carrier NAT) verifies accounts all through a
    round: that is not a farm. Five within an hour of each other is."""
    zhang = entry_of(open_round, "张满珍")
    shared = make_voters(8, ip="10.5.5.5", start=0)
    base = timezone.now() - datetime.timedelta(days=3)
    for i, v in enumerate(shared):  # one every three hours
        Voter.objects.filter(pk=v.pk).update(verified_at=base + datetime.timedelta(hours=3 * i))
    add_votes(open_round, zhang, shared, at=open_round.opens_at, step=611, ip="")
    assert not [f for f in services.round_anomalies(round=open_round) if f.kind == "accounts_address"]
    farm = make_voters(5, ip="10.5.5.5", start=100)
    for i, v in enumerate(farm):  # then five in 40 minutes
        Voter.objects.filter(pk=v.pk).update(verified_at=base + datetime.timedelta(days=1, minutes=10 * i))
    farm_votes = add_votes(open_round, zhang, farm, at=open_round.opens_at + datetime.timedelta(hours=2), ip="")
    [finding] = [f for f in services.round_anomalies(round=open_round) if f.kind == "accounts_address"]
    # The shared accounts (0, 3, … 21 h) stay out of the farm's hour (24 h to 24 h 40).
    assert sorted(finding.vote_ids) == sorted(farm_votes)
    assert "5" in finding.title
    services.quarantine_finding(round=open_round, key=finding.key, reason="40 分钟内新注册 5 个账号", actor=None)
    assert Vote.objects.filter(pk__in=farm_votes, quarantine__isnull=False).count() == 5


def test_it_reports_votes_at_machine_regular_intervals(open_round: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    bot = add_votes(open_round, zhang, make_voters(8, start=0), at=open_round.opens_at, step=30.0, ip="10.7.7.7")
    human = make_voters(8, start=100)
    for i, v in enumerate(human):  # irregular gaps from another address
        add_votes(open_round, zhang, [v], at=open_round.opens_at + datetime.timedelta(seconds=i * i * 37 + i * 11),
                  ip="10.6.6.6")  # fmt: skip
    findings = [f for f in services.round_anomalies(round=open_round) if f.kind == "regular"]
    assert len(findings) == 1 and findings[0].vote_ids == bot


def test_quarantine_excludes_votes_from_counts_and_is_audited(open_round: Any, city_admin: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    ids = add_votes(open_round, zhang, make_voters(8), at=open_round.opens_at, step=30.0, ip="10.7.7.7")
    assert services.live_counts(open_round.pk) == {zhang.pk: 8}
    finding = next(f for f in services.round_anomalies(round=open_round) if f.kind == "regular")
    with audit.context(actor=city_admin, remote_addr="10.0.0.5"):
        q = services.quarantine_finding(
            round=open_round, key=finding.key, reason="机器刷票：每 30 秒一票", actor=city_admin
        )
    assert q.vote_count == 8 and set(Vote.objects.filter(quarantine=q).values_list("pk", flat=True)) == set(ids)
    assert services.live_counts(open_round.pk) == {zhang.pk: 0}
    zhang.refresh_from_db()
    assert (zhang.votes, zhang.excluded_votes) == (0, 8)
    entry = AuditEntry.objects.get(event="rolemodels.votes_quarantined")
    assert (
        entry.actor == city_admin
        and entry.remote_addr == "10.0.0.5"
        and entry.changes["reason"] == "机器刷票：每 30 秒一票"
    )
    assert Vote.objects.count() == 8  # rows stay
    services.quarantine_release(quarantine=q, actor=city_admin, reason="核实为真实投票")
    assert services.live_counts(open_round.pk) == {zhang.pk: 8}


def test_only_the_office_quarantines(open_round: Any, chengfa_liaison: Any, resident: Any, city_admin: Any) -> None:
    zhang = entry_of(open_round, "张满珍")
    ids = add_votes(open_round, zhang, make_voters(2), at=open_round.opens_at)
    for who in (chengfa_liaison, resident):
        with pytest.raises(ValidationError, match="只有市文明办"):
            services.quarantine_votes(round=open_round, vote_ids=ids, reason="x", actor=who)
    with pytest.raises(ValidationError) as exc:
        services.quarantine_votes(round=open_round, vote_ids=ids, reason=" ", actor=city_admin)
    assert "reason" in exc.value.message_dict
    assert not Vote.objects.filter(quarantine__isnull=False).exists()


def test_integrity_pages_are_the_office_s(
    client: Client, open_round: Any, chengfa_liaison: Any, city_admin: Any
) -> None:
    for name in ("integrity", "export"):
        url = reverse(f"rolemodels:{name}", args=[open_round.pk])
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(chengfa_liaison)
        assert client.get(url).status_code == 403
        client.logout()
    client.force_login(chengfa_liaison)
    for name in ("recount", "publish", "quarantine"):
        assert (
            client.post(reverse(f"rolemodels:{name}", args=[open_round.pk]), {"key": "x", "reason": "x"}).status_code
            == 403
        )
    client.force_login(city_admin)
    assert client.get(reverse("rolemodels:integrity", args=[open_round.pk])).status_code == 200


def test_recount_rebuilds_counts_from_the_rows(open_round: Any, city_admin: Any, client: Client) -> None:
    zhang = entry_of(open_round, "张满珍")
    add_votes(open_round, zhang, make_voters(3), at=open_round.opens_at)
    type(zhang).objects.filter(pk=zhang.pk).update(votes=999)  # a stored count gone wrong
    out = io.StringIO()
    call_command("rolemodels_recount", stdout=out)
    zhang.refresh_from_db()
    assert zhang.votes == 3 and "3 counted, 0 excluded" in out.getvalue()
    client.force_login(city_admin)
    response = client.post(reverse("rolemodels:recount", args=[open_round.pk]), follow=True)
    assert "有效 3 票" in response.content.decode()


def test_results_rank_per_category_after_closing_with_excluded_votes(
    open_round: Any, city_admin: Any, client: Client
) -> None:
    zhang, deng = entry_of(open_round, "张满珍"), entry_of(open_round, "邓成明")
    add_votes(open_round, zhang, make_voters(5), at=open_round.opens_at)
    bad = add_votes(open_round, deng, make_voters(2, start=50), at=open_round.opens_at)
    services.quarantine_votes(round=open_round, vote_ids=bad, reason="同一设备批量注册", actor=city_admin)
    with pytest.raises(ValidationError, match="截止后"):
        services.round_publish_results(round=open_round, actor=city_admin)
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    open_round.refresh_from_db()
    services.round_publish_results(round=open_round, actor=city_admin)
    zhang.refresh_from_db()
    deng.refresh_from_db()
    assert (zhang.final_rank, zhang.votes) == (1, 5) and (deng.final_rank, deng.votes, deng.excluded_votes) == (1, 0, 2)
    page = client.get(reverse("rolemodels:round-detail", args=[open_round.pk])).content.decode()
    assert "评议结果已公布" in page and "剔除异常点赞 2 票" in page
    client.force_login(city_admin)
    response = client.get(reverse("rolemodels:export", args=[open_round.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["类别", "名次", "候选人", "事迹标题", "社区", "有效票数", "剔除票数"]
    assert ["助人为乐", 1, "张满珍", "环卫工驿站爱心早餐", None, 5, 0] in rows
    assert ["孝老爱亲", 1, "邓成明", "35 年照料瘫痪妻子", None, 0, 2] in rows
