from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongjian.core.forms import DateInput
from gongjian.pairings.models import Campaign, Pairing, Visit
from gongjian.pairings.services import MAX_PHOTOS_PER_VISIT
from gongjian.places.selectors import community_choices
from gongjian.units.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS_PER_VISIT images in one input; each is checked again by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS_PER_VISIT:
            raise forms.ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS_PER_VISIT})
        for f in files:
            if f.size > settings.MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("%(name)s 超过大小限制。") % {"name": f.name})
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["year", "name", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class PairingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))
    community = forms.ModelChoiceField(label=_("联点社区"), queryset=community_choices())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).exclude(pairings__campaign=campaign)  # type: ignore[attr-defined]
        self.fields["community"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.parent.parent.name if c.parent and c.parent.parent else ''}{c.parent.name if c.parent else ''}{c.name}"
        )


class VisitForm(forms.ModelForm):
    pairing = forms.ModelChoiceField(label=_("联点共建关系"), queryset=Pairing.objects.none())
    photos = MultiplePhotoField(
        label=_("照片"), required=False, help_text=_("JPEG、PNG 或 WebP，最多 9 张；位置信息会被去除。")
    )

    class Meta:
        model = Visit
        fields = [
            "pairing",
            "visited_on",
            "led_by_head",
            "leader_name",
            "participants",
            "participant_count",
            "findings",
            "actions",
        ]
        widgets = {
            "visited_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pairings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings  # type: ignore[attr-defined]
        pairing_field: Any = self.fields["pairing"]
        pairing_field.label_from_instance = lambda p: f"{p.campaign.year} · {p.unit.display_name} → {p.community.name}"
        if self.instance.pk:
            del self.fields["pairing"]
        elif pairings.count() == 1:
            self.initial.setdefault("pairing", pairings.first().pk)


class VisitFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("年度"), queryset=Campaign.objects.all(), required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.all(), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    led_by_head = forms.NullBooleanField(
        label=_("“一把手”带队"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
