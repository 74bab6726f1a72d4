"""The one page flow every sheet import shares: upload a sheet, a job checks and imports it in
the background (all rows or none), and the job's page shows progress, then every bad row or
the outcome."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongjian.core.forms import SheetUploadForm
from gongjian.core.jobs import job_start


def import_page(request: HttpRequest, *, kind: str, template: str, context: dict[str, Any]) -> HttpResponse:
    """Start a ``kind`` job on a posted sheet. Callers check permission before calling."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_start(kind=kind, upload=form.cleaned_data["file"], actor=request.user)
        return redirect("core:job-detail", pk=job.pk)
    return render(request, template, {**context, "form": form})
