from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.units.models import Unit, UnitKind


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "head_name", "head_title", "phone", "address", "is_active"]


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或负责人"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("单位类别"), required=False, choices=[("", _("全部")), *UnitKind.choices])
