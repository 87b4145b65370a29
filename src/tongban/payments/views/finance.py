"""Finance console pages (财务): orders of one's units, refunds with four-eyes, dashboard.

Every page needs ``payments.view_finance`` somewhere; rows outside the reader's units are
"not found". The services decide and audit; the pages only show their answers.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.payments import forms_finance as forms
from tongban.payments import selectors_finance
from tongban.payments.models import Refund
from tongban.payments.permissions_finance import (
    PAYMENTS_APPROVE_REFUND,
    PAYMENTS_REQUEST_REFUND,
    PAYMENTS_VIEW_FINANCE,
)
from tongban.payments.services import refunds

view_finance = permissions.require_perm_page(PAYMENTS_VIEW_FINANCE)
PAGE_SIZE = 30


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- orders ------------------------------------------------------------------------------------
@require_GET
@view_finance
def order_list(request):
    form = forms.OrderSearchForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    orders = selectors_finance.search_orders(request.user, q=q, status=status)
    context = {"form": form, "page": _page(request, orders), "query": _query_without_page(request)}
    template = "payments/console_orders.html"
    if request.htmx and request.htmx.target == "order-results":
        template = "payments/partials/_console_order_results.html"
    return render(request, template, context)


def _order_context(request, order, refund_form=None):
    payments = list(order.payments.order_by("created_at", "pk"))
    order_refunds = list(order.refunds.select_related("payment").order_by("-created_at", "-pk"))
    refundable_payments = [
        (payment, refunds.payment_refundable(payment))
        for payment in refunds.refundable_payments(order)
    ]
    refundable = sum(amount for _payment, amount in refundable_payments)
    can_request = permissions.has_perm_in(request.user, PAYMENTS_REQUEST_REFUND, order.org_unit)
    return {
        "order": order,
        "payments": payments,
        "refundable_payments": [row for row in refundable_payments if row[1] > 0],
        "refunds": order_refunds,
        "refundable": refundable,
        "can_request": can_request and refundable > 0,
        "refund_form": refund_form or forms.RefundRequestForm(),
    }


@require_GET
@view_finance
def order_detail(request, code: str):
    order = refunds.access_order(request.user, code)
    return render(request, "payments/console_order_detail.html", _order_context(request, order))


@require_POST
@view_finance
def refund_request(request, code: str):
    order = refunds.access_order(request.user, code, PAYMENTS_REQUEST_REFUND)
    form = forms.RefundRequestForm(request.POST)
    if form.is_valid():
        try:
            refund = refunds.request_refund(
                order,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                trade_no=form.cleaned_data["trade_no"] or None,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("退款申请已提交，须由另一名财务人员复核。"))
            return redirect("payments_console:refund_detail", refund_no=refund.refund_no)
    return render(
        request,
        "payments/console_order_detail.html",
        _order_context(request, order, form),
        status=400,
    )


# --- refunds -------------------------------------------------------------------------------------
@require_GET
@view_finance
def refund_list(request):
    form = forms.RefundFilterForm(request.GET or None)
    rows = refunds.refunds_for(request.user)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status:
        rows = rows.filter(status=status)
    rows = rows.order_by("-created_at", "-pk")
    pending = refunds.refunds_for(request.user, PAYMENTS_APPROVE_REFUND).filter(
        status=Refund.Status.REQUESTED
    )
    context = {
        "form": form,
        "page": _page(request, rows),
        "query": _query_without_page(request),
        "pending_for_me": pending.exclude(requested_by=request.user).count(),
    }
    return render(request, "payments/console_refunds.html", context)


def _refund_context(request, refund, decision_form=None):
    may_decide = refund.status == Refund.Status.REQUESTED and permissions.has_perm_in(
        request.user, PAYMENTS_APPROVE_REFUND, refund.org_unit
    )
    own = refund.requested_by_id is not None and refund.requested_by_id == request.user.pk
    return {
        "refund": refund,
        "may_decide": may_decide and not own,
        "own_request": may_decide and own,
        "decision_form": decision_form or forms.RefundDecisionForm(),
    }


@require_GET
@view_finance
def refund_detail(request, refund_no: str):
    refund = refunds.access_refund(request.user, refund_no)
    return render(request, "payments/console_refund_detail.html", _refund_context(request, refund))


@require_POST
@view_finance
def refund_decide(request, refund_no: str):
    refund = refunds.access_refund(request.user, refund_no, PAYMENTS_APPROVE_REFUND)
    form = forms.RefundDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["action"] == "approve"
        try:
            if approve:
                refunds.approve_refund(refund, actor=request.user, note=form.cleaned_data["note"])
            else:
                refunds.reject_refund(refund, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request,
                _t("已复核通过，退款已提交支付渠道。") if approve else _t("已驳回该退款申请。"),
            )
            return redirect("payments_console:refund_detail", refund_no=refund.refund_no)
    refund.refresh_from_db()
    return render(
        request,
        "payments/console_refund_detail.html",
        _refund_context(request, refund, form),
        status=400,
    )


# --- dashboard --------------------------------------------------------------------------------------
@require_GET
@view_finance
def dashboard(request):
    units = list(selectors_finance.finance_units(request.user))
    form = forms.DashboardForm(request.GET or None, units=units)
    end = org_unit_id = None
    days = 14
    if form.is_valid():
        end = form.cleaned_data["end"]
        days = form.cleaned_data["days"] or 14
        org_unit_id = form.cleaned_data["org_unit"]
    board = selectors_finance.dashboard(request.user, end=end, days=days, org_unit_id=org_unit_id)
    chart = selectors_finance.bar_chart_svg(
        board,
        title=_t("%(start)s 至 %(end)s 每日收款与退款")
        % {"start": board.start.isoformat(), "end": board.end.isoformat()},
        paid_label=_t("收款"),
        refunded_label=_t("退款"),
    )
    context = {
        "form": form,
        "board": board,
        "chart": chart,
        "flagged": selectors_finance.flagged_payments(request.user),
    }
    return render(request, "payments/console_dashboard.html", context)
