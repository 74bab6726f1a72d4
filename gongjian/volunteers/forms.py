import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.core.forms import DateInput
from gongjian.places.selectors import community_choices
from gongjian.units.models import Unit
from gongjian.volunteers.models import Activity, HourRule, RecordEntry, Team


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _community_label(c: Any) -> str:
    return f"{c.parent.parent.name if c.parent and c.parent.parent else ''}{c.parent.name if c.parent else ''}{c.name}"


class CommunityField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=community_choices(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return _community_label(obj)


class VolunteerFields(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, required=False, help_text=_("加密保存，只有你本人能看到完整号码")
    )
    is_party_member = forms.BooleanField(label=_("我是在职党员"), required=False)
    unit = forms.ModelChoiceField(
        label=_("工作单位"), queryset=Unit.objects.filter(is_active=True).order_by("id"), required=False
    )
    community = CommunityField(label=_("居住社区"), required=False)


class RegisterForm(VolunteerFields):
    """Public self sign-up: the account and the volunteer at once."""

    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录时使用"))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, min_length=8, max_length=128)

    field_order = ["name", "phone", "id_number", "is_party_member", "unit", "community", "username", "password"]


class ActivityForm(forms.ModelForm):
    community = CommunityField(label=_("服务社区"))

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "organiser_unit",
            "organiser_community",
            "organiser_team",
            "community",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, units: Any, communities: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organiser_unit"].queryset = units
        fields["organiser_community"].queryset = communities
        fields["organiser_community"].label_from_instance = _community_label
        fields["organiser_team"].queryset = teams
        for name, qs in (("organiser_unit", units), ("organiser_community", communities), ("organiser_team", teams)):
            if qs.count() == 1 and not self.is_bound:
                self.initial.setdefault(name, qs.first().pk)


class SignupForForm(forms.Form):
    phone = forms.CharField(label=_("志愿者手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))


class AttendanceForm(forms.Form):
    phone = forms.CharField(label=_("志愿者手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    checked_in_at = forms.DateTimeField(label=_("签到时间"), widget=DateTimeInput())
    checked_out_at = forms.DateTimeField(label=_("签退时间"), widget=DateTimeInput(), required=False)


class TeamMemberForm(forms.Form):
    phone = forms.CharField(label=_("志愿者手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    as_leader = forms.BooleanField(label=_("设为队长"), required=False)


class CheckOutForm(forms.Form):
    checked_out_at = forms.DateTimeField(label=_("签退时间"), widget=DateTimeInput())


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予认定的理由"), max_length=200)


class StatementForm(forms.Form):
    period_from = forms.DateField(label=_("起始日期"), widget=DateInput())
    period_to = forms.DateField(label=_("截止日期"), widget=DateInput())


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=16, min_length=6)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class HourRuleForm(forms.ModelForm):
    class Meta:
        model = HourRule
        fields = ["round_to_minutes", "cap_hours", "checkout_grace_minutes", "early_check_in_minutes"]


class TeamForm(forms.ModelForm):
    community = CommunityField(label=_("所在社区"), required=False)
    leader_phone = forms.CharField(label=_("队长手机号"), max_length=20, required=False)

    class Meta:
        model = Team
        fields = ["name", "community", "unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class EntryForm(forms.ModelForm):
    class Meta:
        model = RecordEntry
        fields = ["kind", "happened_on", "title", "issuer", "detail"]
        widgets = {"happened_on": DateInput()}


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self) -> datetime.date | None:
        value = str(self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        year, _dash, month = value.partition("-")
        if not (len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
            raise forms.ValidationError(_("请按“年-月”填写月份，例如 2023-05。"))
        if not 2000 <= int(year) <= 2100:
            raise forms.ValidationError(_("月份超出范围。"))
        return datetime.date(int(year), int(month), 1)

    def month_value(self, default: datetime.date) -> datetime.date:
        """The month asked for; ``default`` when none was given or it was not a month (the form then
        carries the error, for the page to show)."""
        if self.is_valid() and self.cleaned_data["month"]:
            month: datetime.date = self.cleaned_data["month"]
            return month
        return default


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    unit = forms.ModelChoiceField(label=_("工作单位"), queryset=Unit.objects.all(), required=False)
    party_only = forms.BooleanField(label=_("只看在职党员"), required=False)
