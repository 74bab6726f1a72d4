"""Shared form pieces."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DateInput())


class SheetUploadForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: dict errors on their fields (or the form when
    the field is not on it), plain errors on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run a service call for a valid form; on its ValidationError, put the errors on the form
    (the service changed nothing) and return None."""
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
