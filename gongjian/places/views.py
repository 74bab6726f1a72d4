import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from gongjian.core import policy
from gongjian.core.forms import submit
from gongjian.core.imports import import_page
from gongjian.places.forms import PlaceForm
from gongjian.places.models import Place
from gongjian.places.selectors import place_children, place_counts_by_kind, place_list
from gongjian.places.services import IMPORT_EXTRA, IMPORT_LEVELS, place_create, place_delete, place_update


def _get(request: HttpRequest, pk: int, action: str = policy.VIEW) -> Place:
    return policy.get_object(Place.objects.all(), request.user, pk, action)


def tree(request: HttpRequest) -> HttpResponse:
    """The place tree, districts first; children load on demand (htmx) or on each place's page."""
    q = request.GET.get("q", "").strip()[:50]
    results = place_list(user=request.user, q=q)[:100] if q else None
    return render(
        request,
        "places/tree.html",
        {
            "roots": place_children(user=request.user, parent=None),
            "q": q,
            "results": results,
            "counts": place_counts_by_kind(),
            "can_edit": policy.is_city_admin(request.user),
            "nav": "places",
        },
    )


def children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of one place, as tree items (requested by htmx when a node opens)."""
    place = _get(request, pk)
    return render(request, "places/_children.html", {"nodes": place_children(user=request.user, parent=place)})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = _get(request, pk)
    from gongjian.pairings.selectors import pairing_list

    return render(
        request,
        "places/detail.html",
        {
            "place": place,
            "ancestors": place.ancestors(),
            "children": place_children(user=request.user, parent=place),
            "pairings": pairing_list(user=request.user, community_id=place.pk) if place.kind == "community" else [],
            "can_edit": policy.can(request.user, policy.CHANGE, place),
            "nav": "places",
        },
    )


def create(request: HttpRequest, parent_pk: int | None = None) -> HttpResponse:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    parent = _get(request, parent_pk) if parent_pk else None
    form = PlaceForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        place = submit(form, lambda: place_create(parent=parent, **form.cleaned_data))
        if place is not None:
            messages.success(request, _("已添加 %(name)s。") % {"name": place.name})
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/form.html", {"form": form, "parent": parent, "nav": "places"})


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = _get(request, pk, policy.CHANGE)
    form = PlaceForm(request.POST or None, instance=place)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: place_update(place=Place.objects.get(pk=place.pk), **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/form.html", {"form": form, "place": place, "parent": place.parent, "nav": "places"})


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    place = _get(request, pk, policy.DELETE)
    parent_id = place.parent_id
    try:
        place_delete(place=place)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("places:detail", pk=pk)
    messages.success(request, _("已删除 %(name)s。") % {"name": place.name})
    return redirect("places:detail", pk=parent_id) if parent_id else redirect("places:tree")


def import_sheet(request: HttpRequest) -> HttpResponse:
    """Import places from .xlsx/.csv: all rows or none, with every bad row listed."""
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    return import_page(
        request,
        kind="places.import",
        template="places/import.html",
        context={"columns": [c for c, _k in IMPORT_LEVELS] + IMPORT_EXTRA, "nav": "places"},
    )


def import_template(request: HttpRequest) -> FileResponse:
    """An example sheet with the expected columns."""
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    wb = Workbook()
    ws = wb.active
    ws.title = "地点"
    ws.append([c for c, _k in IMPORT_LEVELS] + IMPORT_EXTRA)
    ws.append(["石峰区", "田心街道", "北岭社区", "新苑小区", "北岭社区第一网格", "1栋", "", "27.8712", "113.1520"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="places-template.xlsx")
