from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.places.models import Place, PlaceKind
from gongjian.rolemodels.models import MAX_DAILY_VOTES, Category, Nomination, NominationStatus, Round
from gongjian.rolemodels.services import MAX_PHOTOS, nominator_options


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
        for f in files:
            if f.size > settings.MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("%(name)s 超过大小限制。") % {"name": f.name})
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _communities() -> Any:
    return Place.objects.filter(kind=PlaceKind.COMMUNITY).order_by("name")


def _target_name(target: Any) -> str:
    return str(target.display_name if hasattr(target, "display_name") else target.name)


class NominationForm(forms.Form):
    on_behalf = forms.ChoiceField(label=_("推荐方式"))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    nominee_name = forms.CharField(label=_("被推荐人（对象）"), max_length=60)
    headline = forms.CharField(label=_("事迹标题"), max_length=100)
    story = forms.CharField(label=_("事迹"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    community = forms.ModelChoiceField(label=_("所在社区"), queryset=Place.objects.none(), required=False)
    photos = PhotosField(
        label=_("照片"), required=False, help_text=_("JPEG、PNG 或 WebP，最多 6 张；位置信息会被去除。")
    )
    consent_given = forms.BooleanField(label=_("已取得被推荐人本人（或其监护人）同意公开其事迹和照片"), required=False)
    consent_method = forms.CharField(
        label=_("同意方式"), max_length=100, required=False, help_text=_("如：本人签字的同意书、电话确认（日期）")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {
            f"{kind}:{target.pk if target else ''}": (kind, target) for kind, target in nominator_options(user)
        }
        labels = {"community": _("以社区名义"), "unit": _("以单位名义"), "resident": _("以居民个人名义")}
        self.fields["on_behalf"].choices = [  # type: ignore[attr-defined]
            (key, f"{labels[kind]}：{_target_name(target)}" if target else labels[kind])
            for key, (kind, target) in self.options.items()
        ]
        self.fields["community"].queryset = _communities()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind, target = self.options[data["on_behalf"]]
        return {
            "nominator_kind": kind,
            "nominator_unit": target if kind == "unit" else None,
            "nominator_community": target if kind == "community" else None,
            "category": data["category"],
            "nominee_name": data["nominee_name"],
            "headline": data["headline"],
            "story": data["story"],
            "community": data["community"],
            "consent_given": data["consent_given"],
            "consent_method": data["consent_method"],
            "photos": data["photos"],
        }


class ResubmitForm(forms.ModelForm):
    photos = PhotosField(label=_("补充照片"), required=False)

    class Meta:
        model = Nomination
        fields = ["category", "nominee_name", "headline", "story", "community"]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("approve", _("通过")), ("return", _("退回修改")), ("reject", _("不通过"))]
    )
    reason = forms.CharField(
        label=_("意见或理由"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("类别"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("候选人（已通过审核）"),
        queryset=Nomination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "description",
            "community",
            "categories",
            "opens_at",
            "closes_at",
            "votes_per_candidate_per_day",
            "votes_per_day",
            "show_counts_while_open",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "votes_per_candidate_per_day": forms.NumberInput(attrs={"min": 1, "max": MAX_DAILY_VOTES}),
            "votes_per_day": forms.NumberInput(attrs={"min": 1, "max": MAX_DAILY_VOTES}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _communities()  # type: ignore[attr-defined]
        self.fields["candidates"].queryset = Nomination.objects.filter(status=NominationStatus.APPROVED)  # type: ignore[attr-defined]
        self.fields["candidates"].label_from_instance = str  # type: ignore[attr-defined]
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("opens_at", timezone.localtime().replace(second=0, microsecond=0))


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("评议"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ModerateForm(forms.Form):
    approve = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)


class QuarantineForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(label=_("隔离理由"), max_length=500)
