from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongjian.core import policy
from gongjian.core.figures import FigureContext, collect
from gongjian.core.forms import AsOfForm, DateInput
from gongjian.core.jobs import kind_of
from gongjian.core.models import AuditEntry, Job, Notification
from gongjian.core.ratelimit import ratelimit
from gongjian.core.selectors import audit_content_types, audit_search
from gongjian.pairings.selectors import campaign_current, campaign_progress


@login_not_required
def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return JsonResponse({"detail": _("接口不存在。"), "errors": []}, status=404)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (JSON, downloads): the site's SVG
    icon, by its static URL (hashed in production), instead of a 404 in every log."""
    return redirect(static("gongjian/favicon.svg"), permanent=True)


@login_not_required
@ratelimit(scope="public", limit=120, window=60, methods=("GET",))
def public_home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the campaign is and how far it has come."""
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    campaign = campaign_current()
    progress = campaign_progress(campaign=campaign, as_of=campaign.clamp(timezone.localdate())) if campaign else None
    return render(request, "core/public_home.html", {"campaign": campaign, "progress": progress})


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in home page: every app's figures for this viewer, as of a chosen date."""
    form = AsOfForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    elif not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of})
    figures = collect(FigureContext(user=request.user, as_of=as_of))
    return render(
        request,
        "core/dashboard.html",
        {"figures": figures, "form": form, "as_of": as_of, "nav": "dashboard"},
    )


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress; htmx asks again every second until it has finished."""
    job = policy.get_object(Job.objects.all(), request.user, pk)
    kind = kind_of(job)
    context = {
        "job": job,
        "kind": kind,
        "message": kind.success(job.result["counts"]) if kind and job.status == Job.Status.DONE else "",
        "import_errors": job.result.get("errors") if job.status == Job.Status.REFUSED else None,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job_detail.html", context)


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("对象或事件"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    content_type = forms.TypedChoiceField(label=_("对象类型"), required=False, coerce=int, empty_value=None)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", "—"), *AuditEntry.Action.choices])
    remote_addr = forms.GenericIPAddressField(label=_("来源地址"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: list[tuple[object, object]] = [("", "—")]
        choices += [(ct.pk, ct.name) for ct in audit_content_types()]
        self.fields["content_type"].choices = choices  # type: ignore[attr-defined]


def audit_list(request: HttpRequest) -> HttpResponse:
    """The city admin's search over the audit trail."""
    if not policy.is_city_admin(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    entries = audit_search(user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        entries = audit_search(
            user=request.user,
            q=d["q"],
            actor=d["actor"],
            content_type_id=d["content_type"],
            object_id=d["object_id"],
            action=d["action"],
            remote_addr=d["remote_addr"] or "",
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"form": form, "page_obj": page, "nav": "audit"})


def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notifications, newest first; unread ones stand out."""
    qs = Notification.objects.filter(recipient_id=request.user.pk)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page_obj": page, "nav": "notifications"})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (only within this site)."""
    note = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) and note.url else None
    return redirect(target or "core:notifications")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:notifications")
