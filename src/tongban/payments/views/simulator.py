"""The channel simulators' cashier pages, mounted at /pay/sim/ (only with simulators).

What a phone shows after scanning the QR: the merchant (collecting unit), the amount, a
"确认支付" button and, for demos, how the simulated channel should behave (delay, duplicate,
reorder, fail, wrong amount). Confirming queues the signed callbacks; nothing on the platform
changes until they arrive at the callback endpoint.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tongban.core.exceptions import DomainError
from tongban.payments.channels import get_adapter, simulator
from tongban.payments.models import Payment


def _payment(trade_no: str) -> Payment:
    if not getattr(settings, "SIMULATORS_ENABLED", False):
        raise Http404("simulators disabled")
    payment = (
        Payment.objects.select_related("order", "order__org_unit", "order__org_unit__parent")
        .filter(trade_no=trade_no)
        .first()
    )
    if payment is None:
        raise Http404("no such payment")
    try:
        adapter = get_adapter(payment.channel)
    except DomainError:
        raise Http404("no such channel") from None
    if not adapter.is_simulator:
        raise Http404("not a simulated channel")
    payment.adapter = adapter
    return payment


@require_http_methods(["GET", "POST"])
def cashier(request, trade_no):
    payment = _payment(trade_no)
    context = {
        "payment": payment,
        "order": payment.order,
        "behaviours": simulator.BEHAVIOURS.items(),
        "error": None,
    }
    if request.method == "POST":
        behaviour = request.POST.get("behaviour", simulator.NORMAL)
        try:
            delay = int(request.POST.get("delay") or 30)
        except ValueError:
            delay = 30
        try:
            simulator.confirm(payment.trade_no, behaviour, delay_seconds=min(max(delay, 0), 3600))
        except DomainError as exc:
            context["error"] = exc
            return render(request, "payments/simulator_cashier.html", context, status=exc.status)
        context["behaviour"] = simulator.BEHAVIOURS.get(
            behaviour, simulator.BEHAVIOURS[simulator.NORMAL]
        )
        return render(request, "payments/simulator_done.html", context)
    return render(request, "payments/simulator_cashier.html", context)
