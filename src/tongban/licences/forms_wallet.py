"""Forms of the wallet pages (shape only; the sharing service enforces the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.licences.services.sharing import MAX_HOURS, MIN_HOURS, PURPOSE_MAX_LENGTH

HOUR_CHOICES = [
    (1, _("1 小时")),
    (24, _("1 天")),
    (72, _("3 天")),
    (168, _("7 天")),
    (720, _("30 天")),
]


class ShareForm(forms.Form):
    purpose = forms.CharField(
        label=_("分享用途"),
        max_length=PURPOSE_MAX_LENGTH,
        help_text=_("对方只能看到加注“仅供…使用”水印的证照，例如：办理银行开户"),
    )
    hours = forms.TypedChoiceField(
        label=_("有效时长"), choices=HOUR_CHOICES, coerce=int, initial=24
    )

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise forms.ValidationError(_("有效时长须为 1 至 720 小时"))
        return hours
