"""Links to the cases app: a contribution tied to a case, the cases a project settles, and the
resolved cases on the community's page."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.cases.models import Case, Category
from gongjian.cases.services import case_report, category_save
from gongjian.cobuilding.services import contribution_create, project_create, project_update
from gongjian.core.models import AuditEntry

pytestmark = pytest.mark.django_db
API = "/api/cobuilding"


@pytest.fixture
def cases(world: dict[str, Any]) -> dict[str, Case]:
    sewer = category_save(code="sewer", name="下水道堵塞外溢", klass=Category.Klass.FACILITY, use_paired_unit=True)
    made = {
        key: case_report(category=sewer, description=text, place=world[place], address=text, source=Case.Source.PUBLIC)
        for key, place, text in (
            ("beiling", "xinyuan", "田心路新苑小区门口下水道堵了"),
            ("xianghua", "xianghua", "湘华社区下水道堵了"),
        )
    }
    resolved = timezone.make_aware(datetime.datetime(2023, 9, 20, 10))
    Case.objects.filter(pk=made["beiling"].pk).update(
        status=Case.Status.CLOSED, resolved_at=resolved, unit=world["chengfa"]
    )
    return made


def test_it_ties_money_to_a_case_of_the_community_only(world, cases, chengfa_liaison) -> None:
    entry = contribution_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        kind="money",
        made_on=datetime.date(2023, 9, 18),
        amount=Decimal("3200"),
        case=cases["beiling"],
    )
    assert entry.case == cases["beiling"]
    with pytest.raises(ValidationError) as exc:
        contribution_create(
            pairing=world["chengfa_pairing"],
            actor=chengfa_liaison,
            kind="money",
            made_on=datetime.date(2023, 9, 18),
            amount=Decimal("1"),
            case=cases["xianghua"],
        )
    assert "case" in exc.value.message_dict


def test_it_records_the_cases_a_project_settles(world, cases) -> None:
    project = project_create(pairing=world["chengfa_pairing"], name="下水管道改造", cases=[cases["beiling"]])
    assert list(project.cases.all()) == [cases["beiling"]]
    with pytest.raises(ValidationError) as exc:
        project_update(project=project, cases=[cases["xianghua"]])
    assert "cases" in exc.value.message_dict
    assert list(project.cases.all()) == [cases["beiling"]]
    assert AuditEntry.objects.filter(event="cobuilding.project_cases_set", object_id=str(project.pk)).exists()


def test_it_links_cases_over_the_api(client, world, cases, chengfa_liaison) -> None:
    client.force_login(chengfa_liaison)
    body = {"pairing": world["chengfa_pairing"].pk, "name": "下水管道改造", "cases": [cases["beiling"].pk]}
    r = client.post(f"{API}/projects", body, content_type="application/json")
    assert r.status_code == 201, r.json()
    assert r.json()["case_ids"] == [cases["beiling"].pk]


def test_it_shows_resolved_cases_on_the_community_page(client, world, cases, beiling_staff) -> None:
    project_create(pairing=world["chengfa_pairing"], name="下水管道改造", cases=[cases["beiling"]])
    client.force_login(beiling_staff)
    page = client.get(reverse("cobuilding:community", args=[world["beiling"].pk])).content.decode()
    assert cases["beiling"].number in page
    assert "湘华社区下水道堵了" not in page


def test_it_shows_the_case_a_ledger_entry_is_for(client, world, cases, chengfa_liaison) -> None:
    contribution_create(
        pairing=world["chengfa_pairing"],
        actor=chengfa_liaison,
        kind="money",
        made_on=datetime.date(2023, 9, 18),
        amount=Decimal("3200"),
        case=cases["beiling"],
    )
    client.force_login(chengfa_liaison)
    page = client.get(reverse("cobuilding:ledger-list")).content.decode()
    assert f"诉求 {cases['beiling'].number}" in page and "3,200.00" in page
