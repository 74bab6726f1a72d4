"""The cases part of the Zhuzhou demo: the catalogue and the seed's problems in several states."""

import pytest

from gongjian.cases.models import Case, Category
from gongjian.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_seeds_problems_in_several_states(settings: object) -> None:
    summary = load_demo(create_accounts=True)
    assert "cases" in summary.extra
    assert Category.objects.filter(klass="facility").count() >= 8
    assert Category.objects.filter(klass="event").count() >= 5
    assert Category.objects.get(code="sewer").use_paired_unit
    sewer = Case.objects.get(description__contains="田心路沿线门店")
    assert sewer.status == Case.Status.CLOSED and sewer.rating == 5 and sewer.unit.short_name == "市城发集团"
    assert sewer.me_too_count == 6 and sewer.photos.count() == 2
    assert Case.objects.get(description__contains="加油站").status == Case.Status.REPORTED
    assert Case.objects.get(description__contains="五楼窗户").status == Case.Status.RESOLVED
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"reported", "accepted", "dispatched", "in_progress", "resolved", "closed"} <= statuses
    assert Case.objects.filter(overdue_at__isnull=False).count() >= 2
    assert Case.objects.filter(rating__isnull=False).count() >= 5
    communities = set(Case.objects.values_list("community__name", flat=True))
    assert {"北岭社区", "湘华社区", "大岭社区"} <= communities
    assert all(c.lat is not None for c in Case.objects.all())
