"""Forms of the seal console pages (shape only; the seals service enforces the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SealCreateForm(forms.Form):
    org_unit = forms.ChoiceField(label=_("部门"))
    name = forms.CharField(
        label=_("印章名称"),
        max_length=100,
        required=False,
        help_text=_("留空则为“部门全称 + 电子证照专用章”"),
    )
    valid_to = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则自今日起 5 年"),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in units}
        self.fields["org_unit"].choices = [(str(u.pk), u.full_name) for u in units]
        if len(self.units) == 1:
            self.fields["org_unit"].initial = next(iter(self.units))

    def clean_org_unit(self):
        return self.units[self.cleaned_data["org_unit"]]


class SealStatusForm(forms.Form):
    ACTIONS = (
        ("suspend", _("暂停使用")),
        ("reactivate", _("恢复使用")),
        ("revoke", _("注销")),
    )
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class SealRenewForm(forms.Form):
    valid_to = forms.DateField(
        label=_("新的有效期截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
