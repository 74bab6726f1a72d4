"""The one page flow every sheet import shares: upload, all-or-nothing import, every bad row
listed on the page, or a success message and a redirect."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongjian.core.forms import SheetUploadForm
from gongjian.core.sheets import SheetInvalid


def import_page(
    request: HttpRequest,
    *,
    importer: Callable[..., dict[str, int]],
    template: str,
    success: Callable[[dict[str, int]], str],
    redirect_to: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Run ``importer(upload=…)`` on a posted sheet. Callers check permission before calling."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    import_errors = None
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        try:
            result = importer(upload=upload)
        except SheetInvalid as exc:
            import_errors = exc.errors
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, success(result))
            return redirect(redirect_to)
    return render(request, template, {**context, "form": form, "import_errors": import_errors})
