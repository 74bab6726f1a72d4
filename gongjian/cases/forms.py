"""Forms of the case pages. They convert input; the services decide what is valid."""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongjian.cases.models import Case, Category, Priority
from gongjian.cases.services import MAX_PHOTOS
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images in one input; each is checked again (decoded) by the service."""

    def __init__(self, **kwargs: Any) -> None:
        # No capture attribute: on phones it would open the camera only, not the photos already taken.
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
        for f in files:
            if f.size > settings.MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("%(name)s 超过大小限制。") % {"name": f.name})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class PlaceChoiceField(forms.ModelChoiceField):
    """Communities and the estates and grids under them, each named with its community."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.kind == PlaceKind.COMMUNITY:
            return str(obj.name)
        return f"　{obj.parent.name} · {obj.name}" if obj.parent else f"　{obj.name}"


def place_choices() -> QuerySet[Place]:
    return (
        Place.objects.filter(kind__in=[PlaceKind.COMMUNITY, PlaceKind.ESTATE]).select_related("parent").order_by("path")
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_klass_display()} · {obj.name}"


class ReportForm(forms.Form):
    """The public report page (no account needed)."""

    category = CategoryChoiceField(label=_("问题类别"), queryset=Category.objects.none(), empty_label=_("请选择"))
    place = PlaceChoiceField(
        label=_("所在社区或小区"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("请选择（或在下方填写坐标）"),
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    lat = forms.DecimalField(
        label=_("纬度"),
        required=False,
        max_digits=10,
        decimal_places=7,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.DecimalField(
        label=_("经度"),
        required=False,
        max_digits=10,
        decimal_places=7,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("问题描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000})
    )
    photos = PhotosField(label=_("照片（最多 6 张）"))
    reporter_name = forms.CharField(label=_("称呼"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("选填，仅办理人员可见，绝不公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("电子邮箱"), max_length=120, required=False, help_text=_("选填，用于接收办理进展。")
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("klass", "order", "id")  # type: ignore[attr-defined]
        self.fields["place"].queryset = place_choices()  # type: ignore[attr-defined]


class StaffReportForm(ReportForm):
    """A grid worker's report, a unit's survey finding, or staff entering a phoned-in case."""

    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices, initial=Priority.NORMAL)
    field_order = ["category", "priority", "place", "address", "lat", "lng", "description", "photos"]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(NoteForm):
    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices)
    field_order = ["priority", "note"]


class DispatchForm(NoteForm):
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.filter(is_active=True))
    field_order = ["unit", "note"]


class RedispatchForm(ReasonForm):
    unit = forms.ModelChoiceField(label=_("改派给"), queryset=Unit.objects.filter(is_active=True))
    field_order = ["unit", "reason"]


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("处置情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("处置后照片（最多 6 张）"))


class MergeForm(ReasonForm):
    into = forms.CharField(label=_("合并到（诉求编号）"), max_length=20)
    field_order = ["into", "reason"]


class RecategoriseForm(ReasonForm):
    category = CategoryChoiceField(label=_("新类别"), queryset=Category.objects.filter(active=True))
    field_order = ["category", "reason"]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5 分 · 非常满意")),
            (4, _("4 分 · 满意")),
            (3, _("3 分 · 一般")),
            (2, _("2 分 · 不满意")),
            (1, _("1 分 · 非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reopen = forms.BooleanField(label=_("问题没有解决，要求重新办理（2 分及以下）"), required=False)


STATUS_FILTER = [("", _("全部状态")), ("open", _("办理中（未处置）")), *Case.Status.choices]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_FILTER, required=False)
    district = forms.ModelChoiceField(
        label=_("区"), queryset=Place.objects.filter(kind=PlaceKind.DISTRICT), required=False
    )
    community = forms.ModelChoiceField(
        label=_("社区"), queryset=Place.objects.filter(kind=PlaceKind.COMMUNITY).order_by("path"), required=False
    )

    def __init__(self, *args: Any, public: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if public:
            self.fields["category"].queryset = Category.objects.filter(is_public=True, active=True)  # type: ignore[attr-defined]
            self.fields["status"].choices = [c for c in STATUS_FILTER if c[0] != Case.Status.MERGED]  # type: ignore[attr-defined]
        else:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("责任单位"), queryset=Unit.objects.all(), required=False
            )
            self.fields["overdue"] = forms.BooleanField(label=_("只看超期"), required=False)
