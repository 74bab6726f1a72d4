from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongjian.core import policy
from gongjian.core.forms import submit
from gongjian.pairings.selectors import pairing_list
from gongjian.units.forms import UnitFilterForm, UnitForm
from gongjian.units.models import Unit
from gongjian.units.policies import VIEW_MEMBERS
from gongjian.units.selectors import unit_liaisons, unit_list
from gongjian.units.services import unit_create, unit_update


def unit_index(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    units = (
        unit_list(user=request.user, kind=data.get("kind", ""), q=data.get("q", ""))
        .annotate(pairing_count=Count("pairings"))
        .order_by("id")
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "units/list.html",
        {"form": form, "page_obj": page, "can_edit": policy.is_city_admin(request.user), "nav": "units"},
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(unit_list(user=request.user), pk=pk)
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "liaisons": unit_liaisons(unit=unit) if policy.can(request.user, VIEW_MEMBERS, unit) else None,
            "pairings": pairing_list(user=request.user, unit_id=unit.pk),
            "can_edit": policy.can(request.user, policy.CHANGE, unit),
            "nav": "units",
        },
    )


def unit_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(policy.restrict(Unit.objects.all(), request.user, policy.CHANGE), pk=pk) if pk else None
    if unit is None and not policy.is_city_admin(request.user):
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit(
            form,
            lambda: unit_create(**data) if unit is None else unit_update(unit=Unit.objects.get(pk=unit.pk), **data),
        )
        if saved is not None:
            messages.success(request, _("已保存 %(name)s。") % {"name": saved.name})
            return redirect("units:detail", pk=saved.pk)
    return render(request, "units/form.html", {"form": form, "unit": unit, "nav": "units"})
