from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.cases.models import Case
from gongjian.cobuilding.models import (
    Commendation,
    Contribution,
    PhotoStage,
    Plan,
    PlanItem,
    Project,
    ProjectStatus,
)
from gongjian.core.forms import DateInput
from gongjian.pairings.models import Campaign, Pairing
from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import UnitKind

PHOTO_ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}


def _pairing_label(p: Any) -> str:
    return f"{p.campaign.year} · {p.unit.display_name} → {p.community.name}"


def _decimal_messages(form: forms.BaseForm, names: tuple[str, ...], what: Any) -> None:
    """The same plain messages for money-like fields as the services give (the field's label is
    shown before each): a number, not negative, at most two decimals."""
    for name in names:
        if name in form.fields:
            form.fields[name].error_messages.update(
                {
                    "invalid": _("%(what)s应为数字。") % {"what": what},
                    "min_value": _("%(what)s不能为负数。") % {"what": what},
                    "max_decimal_places": _("%(what)s最多保留两位小数。") % {"what": what},
                    "max_digits": _("%(what)s位数过多。") % {"what": what},
                    "max_whole_digits": _("%(what)s位数过多。") % {"what": what},
                }
            )


class PhotoField(forms.FileField):
    """One image; checked again (decoded, resized, stripped of metadata) by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs=PHOTO_ACCEPT))
        kwargs.setdefault("help_text", _("JPEG、PNG 或 WebP；位置信息会被去除。"))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value and value.size > settings.MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片超过大小限制。"))
        return value


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "basis", "goals", "safeguards"]
        widgets = {
            "basis": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "safeguards": forms.Textarea(attrs={"rows": 3}),
        }


class PlanItemForm(forms.ModelForm):
    """What, target, budget, due date and who is responsible; plus progress, which is all that
    can change once the plan has been submitted."""

    class Meta:
        model = PlanItem
        fields = ["area", "title", "target", "budget", "due_on", "responsible", "progress", "status", "completed_on"]
        widgets = {"due_on": DateInput(), "completed_on": DateInput()}

    def __init__(self, *args: Any, progress_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if progress_only:
            for name in ["area", "title", "target", "budget", "due_on", "responsible"]:
                del self.fields[name]
        _decimal_messages(self, ("budget",), _("金额"))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("修改意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("对比稿"), min_value=1, max_value=32767)
    b = forms.IntegerField(label=_("对比稿"), min_value=1, max_value=32767)


class _PairingScopedForm(forms.ModelForm):
    """A form whose pairing (and plan item / project) choices are the user's own."""

    pairing: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("联点共建关系"), queryset=None)

    def __init__(self, *args: Any, pairings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["pairing"]
        field.queryset = pairings
        field.label_from_instance = _pairing_label
        if self.instance.pk:
            del self.fields["pairing"]
        elif (newest := pairings.first()) is not None:
            # The pairing of the newest campaign (the list is ordered newest first) is the usual one.
            self.initial.setdefault("pairing", newest.pk)
        ids = [self.instance.pairing_id] if self.instance.pk else list(pairings.values_list("pk", flat=True))
        if "plan_item" in self.fields:
            item: Any = self.fields["plan_item"]
            item.queryset = PlanItem.objects.filter(plan__pairing_id__in=ids).select_related("plan__pairing__campaign")
            item.label_from_instance = lambda i: f"{i.plan.pairing.campaign.year} · {i.get_area_display()} · {i.title}"
        for name in ("case", "cases"):
            if name in self.fields:
                case_field: Any = self.fields[name]
                # The community's cases the unit was made responsible for.
                mine = Pairing.objects.filter(pk__in=ids)
                case_field.queryset = Case.objects.filter(
                    community_id__in=mine.values("community_id"), unit_id__in=mine.values("unit_id")
                ).order_by("-created_at")
                case_field.label_from_instance = lambda c: (
                    f"{c.number} {c.description[:30]}（{c.get_status_display()}）"
                )
        if "project" in self.fields:
            project: Any = self.fields["project"]
            project.queryset = Project.objects.filter(pairing_id__in=ids).select_related("pairing__campaign")
            project.label_from_instance = lambda p: f"{p.pairing.campaign.year} · {p.name}"


class ContributionForm(_PairingScopedForm):
    class Meta:
        model = Contribution
        fields = [
            "pairing",
            "kind",
            "made_on",
            "amount",
            "person_times",
            "material",
            "quantity",
            "measure",
            "description",
            "plan_item",
            "project",
            "case",
        ]
        widgets = {"made_on": DateInput()}
        help_texts = {"amount": _("单位：元，最多两位小数"), "plan_item": _("方案事项、共建项目和诉求至少选一项")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _decimal_messages(self, ("amount",), _("金额"))
        _decimal_messages(self, ("quantity",), _("数量"))
        if not self.instance.pk:
            self.initial.setdefault("made_on", timezone.localdate())


class ProjectForm(_PairingScopedForm):
    class Meta:
        model = Project
        fields = [
            "pairing",
            "name",
            "description",
            "plan_item",
            "budget",
            "spent",
            "status",
            "started_on",
            "completed_on",
            "cases",
        ]
        widgets = {
            "started_on": DateInput(),
            "completed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _decimal_messages(self, ("budget", "spent"), _("金额"))


class ProjectPhotoForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=PhotoStage.choices)
    photo = PhotoField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class CommendationForm(_PairingScopedForm):
    photo = PhotoField(label=_("照片"), required=False)

    class Meta:
        model = Commendation
        fields = ["pairing", "kind", "text", "given_on", "given_by"]
        widgets = {"given_on": DateInput()}


class CampaignFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("年度"), queryset=Campaign.objects.all(), required=False, empty_label=None
    )


class RankingFilterForm(CampaignFilterForm):
    district = forms.ModelChoiceField(
        label=_("区"),
        queryset=Place.objects.filter(kind=PlaceKind.DISTRICT).order_by("id"),
        required=False,
        empty_label=_("全部"),
    )
    kind = forms.ChoiceField(label=_("单位类别"), choices=[("", _("全部")), *UnitKind.choices], required=False)


class TotalsFilterForm(CampaignFilterForm):
    by = forms.ChoiceField(
        label=_("汇总方式"),
        choices=[("unit", _("按单位")), ("community", _("按社区")), ("district", _("按区")), ("campaign", _("按年度"))],
        required=False,
    )


class WeightsForm(forms.Form):
    """One weight per registered scorecard part."""

    def __init__(self, *args: Any, parts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in parts:
            self.fields[p.key] = forms.DecimalField(
                label=p.title,
                min_value=Decimal(0),
                max_value=Decimal(1000),
                max_digits=6,
                decimal_places=2,
                initial=p.weight,
                help_text=p.formula,
            )
        _decimal_messages(self, tuple(self.fields), _("分值"))


class ProjectStatusFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *ProjectStatus.choices], required=False)
