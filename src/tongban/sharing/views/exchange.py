"""Workbench pages of exchange subscriptions (/workbench/sharing/exchange/): the consumer
department subscribes its bulk grants to scheduled delivery, follows each run's progress and
downloads the files."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.sharing import permissions, selectors
from tongban.sharing.models import ExchangeSubscription, Grant
from tongban.sharing.services import exchange


class SubscriptionForm(forms.Form):
    grant = forms.ModelChoiceField(queryset=Grant.objects.none(), label=gettext_lazy("授权"))
    purpose = forms.CharField(label=gettext_lazy("用途"), max_length=200)
    delivery = forms.ChoiceField(
        label=gettext_lazy("交付方式"), choices=ExchangeSubscription.Delivery.choices
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("文件格式"), choices=ExchangeSubscription.FileFormat.choices
    )
    url = forms.CharField(
        label=gettext_lazy("接收地址（签名推送）"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("https:// 地址；平台以 HMAC-SM3 签名每次推送"),
    )
    interval_minutes = forms.IntegerField(label=gettext_lazy("交付间隔（分钟）"), initial=1440)
    start = forms.ChoiceField(
        label=gettext_lazy("首次交付"),
        choices=[("beginning", gettext_lazy("全部数据")), ("now", gettext_lazy("仅此后的变更"))],
    )

    def __init__(self, *args, grants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = grants
        self.fields["grant"].label_from_instance = lambda g: (
            f"{g.resource.name} · {g.consumer_system.name} · {g.request.number}"
        )


def _grants(user):
    return selectors.grants_as_consumer(user).filter(
        status=Grant.Status.ACTIVE, row_scope=Grant.RowScope.FILTER
    )


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_http_methods(["GET", "POST"])
def home(request):
    form = SubscriptionForm(request.POST or None, grants=_grants(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, secret = exchange.create_subscription(
                actor=request.user,
                grant=data["grant"],
                delivery=data["delivery"],
                purpose=data["purpose"],
                file_format=data["file_format"],
                url=data["url"],
                interval_minutes=data["interval_minutes"],
                start=data["start"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            if secret:
                response = render(
                    request,
                    "sharing/exchange_secret.html",
                    {"subscription": subscription, "secret": secret},
                )
                response["Cache-Control"] = "private, no-store"
                return response
            messages.success(request, _("已订阅，平台将按间隔交付变更。"))
            return redirect("sharing_workbench:exchange")
    subscriptions = list(exchange.subscriptions_for(request.user)[:100])
    runs = {}
    for run in (
        exchange.runs_for(request.user)
        .filter(subscription__in=subscriptions)
        .order_by("-started_at")[:300]
    ):
        runs.setdefault(run.subscription_id, [])
        if len(runs[run.subscription_id]) < 5:
            runs[run.subscription_id].append(run)
    rows = [(s, runs.get(s.pk, [])) for s in subscriptions]
    incoming = exchange.subscriptions_to_provider(request.user).filter(
        status=ExchangeSubscription.Status.ACTIVE
    )[:100]
    context = {"form": form, "rows": rows, "incoming": incoming}
    return render(request, "sharing/exchange_home.html", context)


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_POST
def cancel(request, pk):
    try:
        subscription = exchange.access_subscription(request.user, pk)
        exchange.cancel_subscription(actor=request.user, subscription=subscription)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    messages.success(request, _("订阅已取消。"))
    return redirect("sharing_workbench:exchange")


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_POST
def run_now(request, pk):
    try:
        subscription = exchange.access_subscription(request.user, pk)
        exchange.run_now(actor=request.user, subscription=subscription)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    messages.success(request, _("已开始交付，进度见下方。"))
    return redirect("sharing_workbench:exchange")


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
def runs(request, pk):
    """The subscription's latest runs (HTMX: polled while a run is open)."""
    try:
        subscription = exchange.access_subscription(request.user, pk)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    latest = list(subscription.runs.order_by("-started_at", "-pk")[:5])
    return render(request, "sharing/exchange_runs.html", {"s": subscription, "runs": latest})


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
def run_file(request, pk):
    try:
        run = exchange.access_run(request.user, pk)
        content, name, content_type = exchange.read_run_file(run)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
