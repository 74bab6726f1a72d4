"""Long work runs as a job: the page that starts it returns at once and the job page follows it."""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from gongjian.core import jobs
from gongjian.core.models import Job
from gongjian.places.models import Place
from gongjian.places.tests.test_import import HEADER, xlsx

pytestmark = pytest.mark.django_db


def test_it_reports_progress_while_a_job_runs(city_admin):
    seen = []
    original = jobs._progress

    def spy(job_id):
        report = original(job_id)

        def wrapped(done, total, stage):
            report(done, total, stage)
            job = Job.objects.get(pk=job_id)
            seen.append((job.status, job.done, job.total))

        return wrapped

    jobs._progress = spy
    try:
        rows = [HEADER] + [["荷塘区", "金山街道", f"社区{i}"] for i in range(450)]
        job = jobs.job_start(kind="places.import", upload=xlsx(rows), actor=city_admin)
    finally:
        jobs._progress = original
    assert job.status == Job.Status.DONE and job.result == {"counts": {"created": 450, "existing": 2, "rows": 450}}
    # The bar moved while the job was running, visibly to other connections (no open transaction).
    assert ("running", 0, 450) in seen and ("running", 400, 450) in seen and ("running", 450, 450) in seen
    assert Place.objects.filter(kind="community", parent__name="金山街道").count() == 451  # with 湘华社区


def test_it_polls_until_the_job_has_finished(client, city_admin):
    job = Job.objects.create(kind="places.import", created_by=city_admin, status=Job.Status.RUNNING, done=3, total=10)
    client.force_login(city_admin)
    html = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="30"' in html
    partial = client.get(reverse("core:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="card" id="job"') and "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result={"counts": {"rows": 1, "created": 2}})
    done = client.get(reverse("core:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "导入完成：1 行，新增 2 个地点。" in done


def test_it_keeps_a_job_from_other_users(client, city_admin, chengfa_liaison, gongdian_liaison):
    job = Job.objects.create(kind="places.import", created_by=chengfa_liaison)
    client.force_login(gongdian_liaison)
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 404
    client.force_login(chengfa_liaison)
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 200
    client.force_login(city_admin)
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 200


def test_it_marks_a_crash_as_an_error_and_writes_nothing(city_admin, monkeypatch):
    def boom(**kwargs):
        Place.objects.create(kind="district", name="半途区")
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs._kinds, "test.boom", jobs.JobKind("test.boom", "boom", boom, str, "places:tree"))
    job = jobs.job_start(kind="test.boom", upload=ContentFile(b"x", name="x.csv"), actor=city_admin)
    assert job.status == Job.Status.ERROR and job.finished_at is not None


# The worker closes its database connection between tasks, as a separate process should: that
# needs a test outside the usual wrapping transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_it_queues_the_job_for_the_worker_and_returns_at_once(client, city_admin):
    client.force_login(city_admin)
    response = client.post(reverse("places:import"), {"file": xlsx([HEADER, ["醴陵市"]])})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED and not Place.objects.filter(name="醴陵市").exists()
    from django.core.management import call_command

    call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and Place.objects.filter(name="醴陵市").exists()
