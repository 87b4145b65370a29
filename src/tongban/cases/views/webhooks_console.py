"""Console pages for webhook subscriptions (``cases.manage_webhook``: department admins
within their units, operators everywhere). The services in
``tongban.cases.services.webhooks`` do the work and the audit; the secret is shown once."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.cases.models import Case
from tongban.cases.services import webhooks
from tongban.core import permissions
from tongban.core.exceptions import DomainError

manage_webhooks = permissions.require_perm_page(webhooks.CASES_MANAGE_WEBHOOK)


class SubscriptionForm(forms.Form):
    org_unit_code = forms.CharField(
        label=_("组织机构编码"),
        max_length=32,
        help_text=_("如：440100-市场监督管理局"),
    )
    url = forms.CharField(label=_("接收地址"), max_length=200, help_text=_("http:// 或 https://"))
    events = forms.MultipleChoiceField(
        label=_("推送的状态（不选为全部）"),
        choices=[(value, label) for value, label in Case.Status.choices if value != "draft"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@require_http_methods(["GET", "POST"])
@manage_webhooks
def subscription_list(request):
    form = SubscriptionForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        unit = (
            permissions.units_for(request.user, webhooks.CASES_MANAGE_WEBHOOK)
            .filter(code=form.cleaned_data["org_unit_code"].strip())
            .first()
        )
        if unit is None:
            form.add_error("org_unit_code", _t("未找到该组织机构，或您无权管理。"))
        else:
            try:
                subscription, secret = webhooks.create_subscription(
                    actor=request.user,
                    org_unit=unit,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _t("订阅已创建。请立即保存密钥，它只显示这一次。"))
                return render(
                    request,
                    "cases/console_webhook_detail.html",
                    _detail_context(subscription, secret),
                )
    return render(
        request,
        "cases/console_webhooks.html",
        {"subscriptions": webhooks.subscriptions_for(request.user), "form": form, "secret": secret},
    )


def _detail_context(subscription, secret=None):
    return {
        "subscription": subscription,
        "deliveries": subscription.deliveries.all()[:50],
        "secret": secret,
    }


@require_http_methods(["GET"])
@manage_webhooks
def subscription_detail(request, pk: int):
    subscription = webhooks.access_subscription(request.user, pk)
    return render(request, "cases/console_webhook_detail.html", _detail_context(subscription))


@require_POST
@manage_webhooks
def subscription_rotate(request, pk: int):
    subscription = webhooks.access_subscription(request.user, pk)
    secret = webhooks.rotate_secret(subscription, actor=request.user)
    messages.success(request, _t("密钥已更换。请立即保存新密钥，它只显示这一次。"))
    return render(
        request, "cases/console_webhook_detail.html", _detail_context(subscription, secret)
    )


@require_POST
@manage_webhooks
def subscription_toggle(request, pk: int):
    subscription = webhooks.access_subscription(request.user, pk)
    webhooks.set_active(subscription, not subscription.is_active, actor=request.user)
    messages.success(request, _t("订阅已启用。") if subscription.is_active else _t("订阅已停用。"))
    return redirect("webhooks:subscription_detail", pk=pk)
