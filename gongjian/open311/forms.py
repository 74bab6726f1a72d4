from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("使用方"), max_length=100, help_text=_("如“12345 热线”“某某随手拍 App”"))
