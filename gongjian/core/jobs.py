"""Long work off the request: a page starts a job and shows its progress; the task worker
(`manage.py db_worker`, django-tasks-db) runs it.

An app declares a kind of job once, with the function that does the work::

    @job_kind("places.import", title=_("导入地点"), done_url="places:tree",
              success=lambda r: _("新增 %(created)d 个地点。") % r)
    def _import_places(*, file, progress): return place_import(upload=file, progress=progress)

The function receives the stored file and a ``progress(done, total, stage)`` callback and returns
a dict of counts. :class:`~gongjian.core.sheets.SheetInvalid` and ``ValidationError`` mean the
input was refused (every bad row is kept on the job); anything else is an error.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.tasks import task
from django.utils import timezone
from django.utils.functional import Promise

from gongjian.core import audit
from gongjian.core.models import Job
from gongjian.core.sheets import SheetInvalid

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str | Promise
    work: Callable[..., dict[str, int]]
    success: Callable[[dict[str, int]], str]
    done_url: str


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str, *, title: str | Promise, success: Callable[[dict[str, int]], str], done_url: str
) -> Callable[[Callable[..., dict[str, int]]], Callable[..., dict[str, int]]]:
    def decorator(work: Callable[..., dict[str, int]]) -> Callable[..., dict[str, int]]:
        _kinds[name] = JobKind(name=name, title=title, work=work, success=success, done_url=done_url)
        return work

    return decorator


def kind_of(job: Job) -> JobKind | None:
    return _kinds.get(job.kind)


def job_start(*, kind: str, upload: UploadedFile, actor: Any) -> Job:
    """Store the upload with a new job and queue it. Returns at once; the worker does the work."""
    if kind not in _kinds:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(kind=kind, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    job.file.save(upload.name or "upload", upload, save=False)
    job.save()
    # Pages run in autocommit, so the job row is stored before the task is queued; the database
    # queue keeps both in one transaction anyway when a caller wraps this in one.
    job_run.enqueue(job_id=job.pk)
    job.refresh_from_db()  # the immediate backend (tests) has already run it
    return job


def _progress(job_id: int) -> Progress:
    last = {"done": -1}

    def report(done: int, total: int, stage: str) -> None:
        # Every 200 rows is often enough for a progress bar and cheap for the database.
        if done == total or done - last["done"] >= 200 or done == 0:
            last["done"] = done
            Job.objects.filter(pk=job_id).update(done=done, total=total, stage=stage[:100])

    return report


@task()
def job_run(*, job_id: int) -> str:
    """Run one job to its end: done (with counts), refused (with every bad row) or error."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    kind = _kinds[job.kind]
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    status: str = Job.Status.ERROR
    result: dict[str, Any] = {}
    with audit.context(actor=job.created_by, request_id=f"job{job.pk}"):
        try:
            with job.file.open("rb") as handle:
                counts = kind.work(file=handle, progress=_progress(job.pk))
            status, result = Job.Status.DONE, {"counts": counts}
        except SheetInvalid as exc:
            status, result = Job.Status.REFUSED, {"errors": [e.as_dict() for e in exc.errors]}
        except ValidationError as exc:
            status, result = (
                Job.Status.REFUSED,
                {"errors": [{"row": 0, "column": "", "message": m} for m in exc.messages]},
            )
        except Exception:
            logger.exception("job %s failed", job.pk)
    Job.objects.filter(pk=job.pk).update(status=status, result=result, finished_at=timezone.now())
    return str(status)
