"""The city admin's page for Open311 API keys: issue one (shown once), see when each was last
used, revoke one. Nobody else may see it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.core import policy
from gongjian.core.forms import submit
from gongjian.open311.forms import ApiKeyForm
from gongjian.open311.models import ApiKey
from gongjian.open311.selectors import api_keys
from gongjian.open311.services import api_key_issue, api_key_revoke


def _require_admin(request: HttpRequest) -> None:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied


def key_list(request: HttpRequest) -> HttpResponse:
    """The keys, and a form to issue one. A new key is shown on this answer only, never again."""
    _require_admin(request)
    form = ApiKeyForm(request.POST or None)
    issued: tuple[str, ApiKey] | None = None
    if request.method == "POST" and form.is_valid():
        issued = submit(form, lambda: api_key_issue(name=form.cleaned_data["name"], actor=request.user))
        if issued is not None:
            form = ApiKeyForm()
    response = render(
        request,
        "open311/key_list.html",
        {"keys": api_keys(user=request.user), "form": form, "issued": issued, "nav": "open311"},
    )
    if issued is not None:
        response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = policy.get_object(ApiKey.objects.all(), request.user, pk, policy.CHANGE)
    try:
        api_key_revoke(key=key, actor=request.user)
    except ValidationError as exc:  # already revoked
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已吊销密钥 %(prefix)s…，使用它的请求将被拒绝。") % {"prefix": key.prefix})
    return redirect("open311:key-list")
