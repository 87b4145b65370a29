"""Forms of the logistics pages (shape only; the service checks the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.servicedesk.models import DeliveryOrder


class AddressForm(forms.Form):
    name = forms.CharField(label=_("收件人"), max_length=50)
    mobile = forms.CharField(label=_("手机号码"), max_length=11)
    division_code = forms.ChoiceField(label=_("所在区县"))
    detail = forms.CharField(label=_("详细地址"), max_length=200)
    is_default = forms.BooleanField(label=_("设为默认地址"), required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = [("", _("请选择"))] + counties


class DeliveryOrderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("寄递类型"), choices=DeliveryOrder.Kind.choices, widget=forms.RadioSelect
    )
    address = forms.ChoiceField(label=_("收发地址"), widget=forms.RadioSelect)

    def __init__(self, *args, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [
            (
                str(address.pk),
                _("%(name)s %(mobile)s，%(detail)s（运费 ¥%(fee).2f）")
                % {
                    "name": address.name,
                    "mobile": address.mobile,
                    "detail": address.detail,
                    "fee": fee / 100,
                },
            )
            for address, fee in addresses
        ]
        default = next((a for a, _fee in addresses if a.is_default), None)
        if default is not None:
            self.fields["address"].initial = str(default.pk)
