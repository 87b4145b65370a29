"""Forms of the finance console: shape only; the services enforce the rules."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.payments.models import Channel, PaymentOrder, ReconciliationItem, Refund


class YuanField(forms.CharField):
    """An amount typed in yuan ("12.50"), cleaned to integer fen (1250)."""

    def to_python(self, value):
        text = super().to_python(value)[:32].replace(",", "").replace("，", "").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("请输入金额，例如 60 或 12.50")) from None
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("金额须大于 0，最多两位小数"))
        if amount > Decimal("100000000"):
            raise forms.ValidationError(_("金额过大"))
        return int(amount * 100)


class OrderSearchForm(forms.Form):
    q = forms.CharField(label=_("缴款码 / 业务编号 / 缴款人"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部"))] + list(PaymentOrder.Status.choices),
    )


class RefundRequestForm(forms.Form):
    trade_no = forms.CharField(label=_("原支付"), required=False, max_length=32)
    amount = YuanField(label=_("退款金额（元）"))
    reason = forms.CharField(
        label=_("退款原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefundDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("复核通过")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("复核意见"), required=False, max_length=200)


class RefundFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(Refund.Status.choices)
    )


class RunStartForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    date = forms.DateField(label=_("账单日期"), widget=forms.DateInput(attrs={"type": "date"}))


class StatementUploadForm(RunStartForm):
    file = forms.FileField(label=_("对账单文件（CSV）"))


class ItemFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("结果"),
        required=False,
        choices=[("", _("全部差异"))] + list(ReconciliationItem.Kind.choices),
    )
    status = forms.ChoiceField(
        label=_("处理状态"),
        required=False,
        choices=[("", _("全部"))]
        + [
            (ReconciliationItem.Status.OPEN, ReconciliationItem.Status.OPEN.label),
            (ReconciliationItem.Status.RESOLVED, ReconciliationItem.Status.RESOLVED.label),
        ],
    )


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("处理说明"), max_length=500)


class DashboardForm(forms.Form):
    org_unit = forms.TypedChoiceField(
        label=_("执收单位"), required=False, coerce=int, empty_value=None
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.TypedChoiceField(
        label=_("天数"),
        required=False,
        coerce=int,
        empty_value=14,
        initial=14,
        choices=[(7, "7"), (14, "14"), (30, "30"), (60, "60")],
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = [("", _("全部本人可见单位"))] + [
            (unit.pk, unit.full_name) for unit in units
        ]
