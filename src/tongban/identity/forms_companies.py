"""Forms for company binding and agent authorisation (shape only; rules live in services)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.identity.models.companies import GRANTABLE_SCOPES, AgentScope


class CompanyBindForm(forms.Form):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        help_text=_("18位，见营业执照；只有登记的法定代表人本人可以绑定"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


def _default_expiry():
    return timezone.localdate() + datetime.timedelta(days=180)


class AgentAuthoriseForm(forms.Form):
    agent_name = forms.CharField(label=_("经办人姓名"), max_length=64)
    agent_id_number = forms.CharField(
        label=_("经办人身份证号"),
        max_length=18,
        help_text=_("经办人须已在本平台注册并完成实名核验"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("授权范围"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, s.label) for s in GRANTABLE_SCOPES],
        initial=[AgentScope.APPLY.value],
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        initial=_default_expiry,
        help_text=_("最长一年"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
