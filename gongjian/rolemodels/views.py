"""Pages of 先进典型. The round and candidate pages and the phone check are public (a resident on a
phone, often straight from a WeChat share); nominating needs an account; reviewing, moderating,
quarantining and publishing are the city office's."""

import json
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja.utils import check_csrf

from gongjian.core import policy
from gongjian.core.api import quietly
from gongjian.core.audit import client_ip
from gongjian.core.exports import xlsx_response
from gongjian.core.forms import submit
from gongjian.core.ratelimit import ratelimit
from gongjian.rolemodels import security, services
from gongjian.rolemodels.forms import (
    CodeForm,
    CommentForm,
    ModerateForm,
    NominationForm,
    PhoneForm,
    QuarantineForm,
    ResubmitForm,
    ReviewForm,
    RoundForm,
)
from gongjian.rolemodels.models import (
    Category,
    Comment,
    Nomination,
    NominationPhoto,
    NominationStatus,
    Quarantine,
    Round,
    RoundCandidate,
)
from gongjian.rolemodels.selectors import (
    candidate_list,
    comments_pending,
    nomination_list,
    quarantine_list,
    round_board,
    round_list,
    round_totals,
    voter_day_usage,
)
from gongjian.rolemodels.sms import ConsoleSender, get_sender

DEVICE_COOKIE = "gj_device"


def _require_admin(request: HttpRequest) -> None:
    if not policy.is_city_admin(request.user):
        raise PermissionDenied


def _device(request: HttpRequest) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")[:64]


def _with_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give the browser a random device id (kept a year) so votes and sign-ups from one device
    can be told apart from those of one address shared by many (a campus, an office)."""
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 86400, httponly=True, samesite="Lax"
        )
    return response


# --- Public pages ------------------------------------------------------------------------------


@login_not_required
@ratelimit(scope="rolemodels-public", limit=240, window=60, methods=("GET",))
def index(request: HttpRequest) -> HttpResponse:
    rounds = round_list(user=request.user)
    candidates = candidate_list(user=request.user)[:24]
    return _with_device(
        request,
        render(
            request,
            "rolemodels/index.html",
            {
                "rounds": rounds,
                "candidates": candidates,
                "now": timezone.now(),
                "nav": "rolemodels",
                "is_admin": policy.is_city_admin(request.user),
            },
        ),
    )


@login_not_required
@ratelimit(scope="rolemodels-public", limit=240, window=60, methods=("GET",))
def round_detail(
    request: HttpRequest, pk: int, challenge: Any = None, challenge_entry: int | None = None, status: int = 200
) -> HttpResponse:
    """A round's candidates with like buttons, counts (cached) and approved comments."""
    rnd = policy.get_object(Round.objects.all(), request.user, pk)
    board = round_board(user=request.user, round=rnd)
    voter = services.voter_for_user(request.user)
    is_open = rnd.is_open()
    flash = _flash_pop(request, pk)
    if flash is not None and flash["entry"] not in {r.entry.pk for r in board.rows}:
        messages.add_message(request, flash["level"], flash["text"])  # no card to show it in
        flash = None
    usage = voter_day_usage(voter=voter, round=rnd) if voter is not None and is_open else None
    context = {
        "round": rnd,
        "board": board,
        "voter": voter,
        "usage": usage,
        "liked": {k for k, n in (usage.per_candidate if usage else {}).items() if n >= rnd.votes_per_candidate_per_day},
        "flash": flash,
        "vote_ok": _vote_ok(),
        # The numbers in "liked n times today, m left", marked for the page's script to count on.
        "usage_numbers": [
            format_html("<span data-vote-used>{}</span>", usage.total),
            format_html("<span data-vote-left>{}</span>", usage.left),
        ]
        if usage
        else None,
        "is_open": is_open,
        "is_admin": policy.is_city_admin(request.user),
        "comment_form": CommentForm(),
        "challenge": challenge,
        "challenge_entry": challenge_entry,
        "verify_url": reverse("rolemodels:verify") + "?next=" + request.path,
        "nav": "rolemodels",
    }
    return _with_device(request, render(request, "rolemodels/round_detail.html", context, status=status))


@login_not_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A like from the round page (session + CSRF); the API takes the same vote with a voter token."""
    rnd = policy.get_object(Round.objects.all(), request.user, pk)
    try:
        entry_id = int(request.POST.get("candidate", ""))
    except ValueError:
        entry_id = 0
    anchor = f"#c{entry_id}"
    try:
        services.vote_cast_for_user(
            user=request.user,
            round_id=rnd.pk,
            candidate_id=entry_id,
            client_ip=client_ip(request),
            device=_device(request),
            challenge_token=request.POST.get("challenge_token", "")[:500],
            challenge_answer=request.POST.get("challenge_answer", "")[:10],
        )
    except services.ChallengeRequired as exc:
        _flash(request, pk, entry_id, messages.WARNING, _("点赞太快了，请先回答下面的问题。"))
        return round_detail(request, pk, challenge=exc.challenge, challenge_entry=entry_id, status=429)
    except services.VoteRefused as exc:
        if exc.reason == "unverified":
            messages.error(request, exc.text)
            return redirect(reverse("rolemodels:verify") + "?next=" + reverse("rolemodels:round-detail", args=[pk]))
        _flash(request, pk, entry_id, messages.ERROR, exc.text)
    else:
        _flash(
            request,
            pk,
            entry_id,
            messages.SUCCESS,
            _vote_ok(),
        )
    return redirect(reverse("rolemodels:round-detail", args=[pk]) + anchor)


FLASH_KEY = "rolemodels_flash"


def _vote_ok() -> str:
    """What a voter is told after a like: by this view's redirect, or by the page's script in place."""
    return _("点赞成功，谢谢你的支持！票数每 %(n)d 秒更新一次。") % {"n": settings.ROLEMODELS_COUNT_CACHE_SECONDS}


def _flash(request: HttpRequest, round_id: int, entry_id: int, level: int, text: str) -> None:
    """The outcome of a like or a comment, shown in the candidate's card: the page comes back
    scrolled to that card, where a message at the top of the page would be out of sight."""
    request.session[FLASH_KEY] = {"round": round_id, "entry": entry_id, "level": level, "text": str(text)}


def _flash_pop(request: HttpRequest, round_id: int) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None or FLASH_KEY not in session:
        return None
    flash = session.pop(FLASH_KEY)
    if not isinstance(flash, dict) or flash.get("round") != round_id:
        return None
    flash["tag"] = messages.DEFAULT_TAGS.get(flash.get("level", messages.INFO), "info")
    return flash


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _json_error(status: int, message: str, field: str | None = None, **extra: Any) -> JsonResponse:
    return _json(
        status, {"detail": message, "errors": [{"field": field, "message": message}] if field else [], **extra}
    )


@csrf_exempt  # a voter token is not a cookie; a session is CSRF-checked below
@login_not_required
@require_POST
def vote_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote endpoint built for a crowd: ``POST /rolemodels/rounds/<pk>/votes/`` with
    ``{"candidate": <entry id>}`` and the header ``X-Voter-Token`` (or the session and its CSRF
    token). Same answers as ``POST /api/rolemodels/rounds/{id}/votes``, without the API layer:
    the token is checked by its signature, the round's settings come from memory, the rate
    limits cost one Redis round trip and the vote one INSERT."""
    token = request.headers.get("X-Voter-Token", "")
    voter_id: int | None
    if token:
        voter_id = security.voter_from_token(token)
        if voter_id is None:
            return _json_error(401, _("投票凭证无效或已过期，请重新验证手机号。"), "voter")
    else:
        if not request.user.is_authenticated:
            return _json_error(401, _("请先用手机号验证后再点赞。"), "voter")
        if check_csrf(request) is not None:
            return _json_error(403, _("CSRF 校验失败：请求须带上 CSRF 令牌（X-CSRFToken 头）。"))
        voter = services.voter_for_user(request.user)
        if voter is None:
            return _json_error(403, _("请先用手机号验证后再点赞。"), "voter")
        voter_id = voter.pk
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _json_error(400, _("请求体不是有效的 JSON。"), "body")
    candidate = body.get("candidate") if isinstance(body, dict) else None
    if type(candidate) is not int or not 1 <= candidate < 2**63:
        return _json_error(422, _("candidate：应为整数。"), "candidate")
    token_in, answer_in = body.get("challenge_token", ""), body.get("challenge_answer", "")
    try:
        vote_id = services.vote_cast(
            round_id=pk,
            candidate_id=candidate,
            voter_id=voter_id,
            client_ip=client_ip(request),
            device=request.headers.get("X-Device", "")[:64] or _device(request),
            challenge_token=token_in[:500] if isinstance(token_in, str) else "",
            challenge_answer=answer_in[:10] if isinstance(answer_in, str) else "",
        )
    except services.ChallengeRequired as exc:
        question = {"question": exc.challenge.question, "token": exc.challenge.token}
        return quietly(_json_error(429, _("点赞太快了，请回答问题后再试。"), challenge=question))
    except services.VoteRefused as exc:
        return quietly(_json_error(404 if exc.reason == "no_round" else 400, exc.text, next(iter(exc.error_dict))))
    # What _json(201, {"id": vote_id}) answers, without the JSON encoder on the crowd's path.
    return HttpResponse(b'{"id": %d}' % vote_id, status=201, content_type="application/json")


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(RoundCandidate.objects.select_related("round"), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_submit(
                user=request.user, entry=entry, body=form.cleaned_data["body"], client_ip=client_ip(request)
            )
        except ValidationError as exc:
            _flash(request, entry.round_id, entry.pk, messages.ERROR, "；".join(exc.messages))
        else:
            _flash(request, entry.round_id, entry.pk, messages.SUCCESS, _("评议已提交，审核通过后公开显示。"))
    else:
        _flash(request, entry.round_id, entry.pk, messages.ERROR, _("请填写评议内容（不超过 500 字）。"))
    return redirect(reverse("rolemodels:round-detail", args=[entry.round_id]) + f"#c{entry.pk}")


@login_not_required
@ratelimit(scope="rolemodels-public", limit=240, window=60, methods=("GET",))
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = policy.get_object(
        Nomination.objects.select_related("community", "nominator_unit", "nominator_community"), request.user, pk
    )
    entries = RoundCandidate.objects.filter(nomination=nomination).select_related("round")
    return render(
        request,
        "rolemodels/candidate_detail.html",
        {
            "n": nomination,
            "photos": nomination.photos.all(),
            "entries": entries,
            "now": timezone.now(),
            "nav": "rolemodels",
            "is_admin": policy.is_city_admin(request.user),
            "review_form": ReviewForm() if nomination.status == NominationStatus.SUBMITTED else None,
        },
    )


@login_not_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    p = policy.get_object(NominationPhoto.objects.all(), request.user, pk)
    suffix = (p.image.name or "").rsplit(".", 1)[-1]
    response = FileResponse(p.image.open("rb"), content_type="image/" + ("jpeg" if suffix == "jpg" else suffix))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return reverse("rolemodels:index")


def _demo_code(phone: str) -> str:
    """In the demo (console sender, DEMO_MODE) the code that was just "sent", so that a visitor
    can try the phone check; never with a real SMS gateway."""
    if not settings.DEMO_MODE or not isinstance(get_sender(), ConsoleSender):
        return ""
    message = ConsoleSender.last_message(security.normalize_phone(phone) or "") or ""
    match = re.search(r"\d{6}", message)
    return match.group(0) if match else ""


@login_not_required
@ratelimit(scope="rolemodels-verify", limit=20, window=60)
def verify(request: HttpRequest) -> HttpResponse:
    """Phone check in two steps: send a code, then enter it. A visitor without an account gets a
    voting account; a signed-in user's account is tied to the phone (one account per phone)."""
    nxt = _next_url(request)
    voter = services.voter_for_user(request.user)
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "send" else None)
    code_form = CodeForm(request.POST if request.POST.get("step") == "check" else None)
    sent: Any = None
    if request.method == "POST" and request.POST.get("step") == "send" and phone_form.is_valid():
        sent = submit(
            phone_form,
            lambda: services.code_request(phone=phone_form.cleaned_data["phone"], client_ip=client_ip(request)),
        )
        if sent is not None:
            code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
            demo_code = _demo_code(phone_form.cleaned_data["phone"])
            if demo_code:
                messages.info(request, _("演示模式：短信不会真正发出，验证码是 %(code)s。") % {"code": demo_code})
    elif request.method == "POST" and request.POST.get("step") == "check" and code_form.is_valid():
        data = code_form.cleaned_data
        result = submit(
            code_form,
            lambda: services.code_verify(
                phone=data["phone"],
                code=data["code"],
                user=request.user,
                client_ip=client_ip(request),
                device=_device(request),
            ),
        )
        if result is not None:
            if request.user.is_authenticated and request.user.pk == result.user_id:
                pass
            elif result.user.has_usable_password():
                # A platform account (staff, liaison, resident with a password): a text message
                # alone must not sign anyone in to it; its owner signs in with the password.
                messages.error(request, _("该手机号已绑定一个平台账号，请先用该账号登录，再点赞和评议。"))
                return redirect(reverse("login") + "?" + urlencode({"next": nxt}))
            else:
                login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("手机号验证成功，现在可以点赞和评议了。"))
            return redirect(nxt)
        sent = True  # stay on the code step
    return _with_device(
        request,
        render(
            request,
            "rolemodels/verify.html",
            {
                "phone_form": phone_form,
                "code_form": code_form,
                "sent": sent,
                "next": nxt,
                "voter": voter,
                "nav": "rolemodels",
            },
        ),
    )


# --- Nominations ---------------------------------------------------------------------------------


def nomination_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    is_admin = policy.is_city_admin(request.user)
    qs = nomination_list(user=request.user, status=status or None)
    if not is_admin:
        qs = qs.filter(submitted_by_id=request.user.pk)
    return render(
        request,
        "rolemodels/nomination_list.html",
        {
            "nominations": qs[:200],
            "status": status,
            "statuses": NominationStatus.choices,
            "is_admin": is_admin,
            "nav": "rolemodels",
        },
    )


def nomination_new(request: HttpRequest) -> HttpResponse:
    form = NominationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: services.nomination_submit(actor=request.user, **form.service_kwargs()))
        if saved is not None:
            messages.success(request, _("推荐已提交，等待市文明办审核。"))
            return redirect("rolemodels:nomination-list")
    return render(request, "rolemodels/nomination_form.html", {"form": form, "nav": "rolemodels"})


def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = policy.get_object(Nomination.objects.all(), request.user, pk, policy.CHANGE)
    form = ResubmitForm(request.POST or None, request.FILES or None, instance=Nomination.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos")
        saved = submit(
            form, lambda: services.nomination_resubmit(nomination=nomination, actor=request.user, photos=photos, **data)
        )
        if saved is not None:
            messages.success(request, _("已重新提交。"))
            return redirect("rolemodels:candidate-detail", pk=pk)
    return render(
        request, "rolemodels/nomination_form.html", {"form": form, "nomination": nomination, "nav": "rolemodels"}
    )


@require_POST
def nomination_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    nomination = get_object_or_404(Nomination, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_review(nomination=nomination, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已审核。"))
    return redirect("rolemodels:candidate-detail", pk=pk)


# --- Rounds (office) -------------------------------------------------------------------------------


def round_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk) if pk else None
    form = RoundForm(
        request.POST or None,
        instance=rnd,
        initial={"candidates": list(rnd.entries.values_list("nomination_id", flat=True))} if rnd else None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        candidates = list(data.pop("candidates"))
        saved = submit(
            form,
            lambda: (
                services.round_create(candidates=candidates, **data)
                if rnd is None
                else services.round_update(round=rnd, candidates=candidates, **data)
            ),
        )
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("rolemodels:round-detail", pk=saved.pk)
    return render(request, "rolemodels/round_form.html", {"form": form, "round": rnd, "nav": "rolemodels"})


def integrity(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's view of a round's votes: totals, anomaly findings to quarantine, quarantines."""
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk)
    return render(
        request,
        "rolemodels/integrity.html",
        {
            "round": rnd,
            "totals": round_totals(round=rnd),
            "findings": services.round_anomalies(round=rnd),
            "quarantines": quarantine_list(user=request.user, round=rnd),
            "entries": RoundCandidate.objects.filter(round=rnd).select_related("nomination"),
            "form": QuarantineForm(),
            "nav": "rolemodels",
        },
    )


@require_POST
def quarantine(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk)
    form = QuarantineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明隔离理由。"))
    else:
        try:
            q = services.quarantine_finding(round=rnd, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已隔离 %(n)d 票，计票已重算。") % {"n": q.vote_count})
    return redirect("rolemodels:integrity", pk=pk)


@require_POST
def quarantine_release(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    q = get_object_or_404(Quarantine, pk=pk)
    try:
        services.quarantine_release(quarantine=q, actor=request.user, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤销隔离，计票已重算。"))
    return redirect("rolemodels:integrity", pk=q.round_id)


@require_POST
def recount(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk)
    counts = services.round_recount(round=rnd)
    messages.success(
        request,
        _("已按点赞记录重新计票：有效 %(c)d 票，剔除 %(e)d 票。")
        % {"c": sum(c for c, _e in counts.values()), "e": sum(e for _c, e in counts.values())},
    )
    return redirect("rolemodels:integrity", pk=pk)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk)
    try:
        services.round_publish_results(round=rnd, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("结果已公布。"))
    return redirect("rolemodels:round-detail", pk=pk)


def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's ranking per category as .xlsx (counted and excluded votes, from the rows)."""
    _require_admin(request)
    rnd = get_object_or_404(Round, pk=pk)
    counts = services.counts_from_rows(rnd.pk)
    entries = sorted(
        RoundCandidate.objects.filter(round=rnd).select_related("nomination", "nomination__community"),
        key=lambda e: (e.nomination.category, -counts.get(e.pk, (0, 0))[0]),
    )
    labels = dict(Category.choices)
    rows = (
        (
            str(labels.get(e.nomination.category, "")),
            e.final_rank or "",
            e.nomination.nominee_name,
            e.nomination.headline,
            e.nomination.community.name if e.nomination.community else "",
            counts.get(e.pk, (0, 0))[0],
            counts.get(e.pk, (0, 0))[1],
        )
        for e in entries
    )
    headers = [_("类别"), _("名次"), _("候选人"), _("事迹标题"), _("社区"), _("有效票数"), _("剔除票数")]
    return xlsx_response(filename=f"round-{rnd.pk}.xlsx", title=rnd.title, headers=headers, rows=rows)


def moderation(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "rolemodels/moderation.html",
        {"comments": comments_pending(user=request.user)[:100], "nav": "rolemodels"},
    )


@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    c = get_object_or_404(Comment, pk=pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        try:
            services.comment_moderate(comment=c, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已公开。") if form.cleaned_data["approve"] else _("已驳回。"))
    return redirect("rolemodels:moderation")
