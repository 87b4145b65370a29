"""The payer's pages, mounted at /my/payments/ (login required).

* ``/my/payments/`` — 我的缴费: my orders with their status; a box to enter a payment code.
* ``/my/payments/<code>/`` — the pay page: items, amount, deadline, channel choice; after a
  channel is chosen, the QR code (generated locally) and a link for the phone; while a payment
  is under way the status block refreshes itself (HTMX: the same view answers the partial).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core.exceptions import DomainError
from tongban.core.qr import qr_svg
from tongban.payments.channels import adapters
from tongban.payments.models import Payment, PaymentOrder
from tongban.payments.services import orders

BADGES = {
    PaymentOrder.Status.SUCCESS: "ok",
    PaymentOrder.Status.FAILED: "bad",
    PaymentOrder.Status.EXPIRED: "bad",
    PaymentOrder.Status.CANCELLED: "",
    PaymentOrder.Status.CREATED: "warn",
    PaymentOrder.Status.STARTED: "warn",
    PaymentOrder.Status.SUBMITTED: "warn",
}


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if url.startswith("/") else url


@login_required
def order_list(request):
    code = request.GET.get("code", "").strip()
    error = None
    if code:
        try:
            order = orders.access_payer_order(request.user, code)
        except DomainError as exc:
            error = exc
        else:
            return redirect("payments_payer:pay", code=order.code)
    rows = list(orders.orders_of_payer(request.user).order_by("-created_at", "-id")[:200])
    for order in rows:
        order.badge = BADGES.get(order.status, "")
    return render(
        request,
        "payments/my_orders.html",
        {"orders": rows, "code": code, "error": error},
        status=error.status if error else 200,
    )


def _current_payment(order: PaymentOrder, trade_no: str) -> Payment | None:
    if not trade_no:
        return None
    return order.payments.filter(trade_no=trade_no).first()


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, code):
    order = orders.access_payer_order(request.user, code)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "reissue":
        try:
            new = orders.reissue_order(order, actor=request.user)
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, _("已重新生成缴款单，请在缴费期限内缴费。"))
            return redirect("payments_payer:pay", code=new.code)
    elif request.method == "POST":
        try:
            payment, _result = orders.start_payment(
                order, channel=request.POST.get("channel", ""), actor=request.user
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect(
                reverse("payments_payer:pay", args=[order.code]) + f"?trade={payment.trade_no}"
            )
    payment = _current_payment(order, request.GET.get("trade", ""))
    context = {
        "order": order,
        "badge": BADGES.get(order.status, ""),
        "payment": payment,
        "channels": adapters() if order.is_payable else [],
        "no_channel": order.is_payable and not adapters(),
        "can_reissue": order.status == PaymentOrder.Status.EXPIRED
        and order.source == PaymentOrder.Source.CASE,
        "polling": order.status in (PaymentOrder.Status.STARTED, PaymentOrder.Status.SUBMITTED)
        or (
            payment is not None
            and payment.status in (Payment.Status.STARTED, Payment.Status.SUBMITTED)
        ),
    }
    if payment is not None and payment.status in (Payment.Status.STARTED, Payment.Status.SUBMITTED):
        context["qr"] = qr_svg(_absolute(request, payment.qr_payload), scale=4)
        context["pay_url"] = _absolute(request, payment.pay_url)
    if request.htmx:
        return render(request, "payments/partials/_pay_status.html", context)
    return render(request, "payments/pay.html", context, status=status)
