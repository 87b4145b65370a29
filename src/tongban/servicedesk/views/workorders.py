"""Citizen pages of 12345 work orders, mounted at /my/workorders/: file an order (web), my
orders with status and timeline, rate a concluded order (好差评, once)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.middleware import client_ip
from tongban.servicedesk import selectors_workorders as selectors
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as services
from tongban.servicedesk.services.workorder_notices import citizen_notices, mark_read
from tongban.servicedesk.views.workorders_forms import STARS, RatingForm, WorkOrderForm

ACTION_LABELS = {
    "accepted": _lazy("已受理"),
    "linked": _lazy("同类问题并案办理"),
    "dispatched": _lazy("已派单"),
    "returned": _lazy("部门退回，重新派单"),
    "replied": _lazy("部门已答复"),
    "supervised": _lazy("督办"),
    "escalated": _lazy("超期督办"),
    "concluded": _lazy("已办结"),
    "called_back": _lazy("已回访"),
    "rated": _lazy("已评价"),
}


@login_required
def order_list(request):
    orders = list(selectors.citizen_orders(request.user)[:100])
    notices = citizen_notices(request.user, limit=5)
    return render(
        request, "servicedesk/workorder_list.html", {"orders": orders, "notices": notices}
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request):
    form = WorkOrderForm(
        request.POST or None, initial={"contact_mobile": getattr(request.user, "mobile", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.create_work_order(
                actor=request.user,
                kind=data["kind"],
                channel=WorkOrder.Channel.WEB,
                title=data["title"],
                content=data["content"],
                division_code=data["division_code"],
                location=data["location"],
                contact_mobile=data["contact_mobile"],
                is_urgent=data["is_urgent"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request, _("诉求已受理，工单编号 %(number)s。") % {"number": order.number}
            )
            return redirect("servicedesk_workorders:order_detail", number=order.number)
    days = settings.WORKORDER_DEADLINE_DAYS
    context = {"form": form, "days": days}
    return render(request, "servicedesk/workorder_form.html", context)


def _timeline(order):
    return [
        (event, ACTION_LABELS.get(event.action, event.action))
        for event in selectors.timeline(order)
    ]


@login_required
def order_detail(request, number):
    order = selectors.citizen_order(request.user, number)
    mark_read(order, user=request.user)
    form = RatingForm() if order.can_be_rated and order.rating is None else None
    return render(request, "servicedesk/workorder_detail.html", _detail_context(order, form))


def _detail_context(order, form):
    return {
        "order": order,
        "timeline": _timeline(order),
        "form": form,
        "stars": STARS.get(order.rating, ""),
    }


@login_required
@require_POST
def order_rate(request, number):
    order = selectors.citizen_order(request.user, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_work_order(
                order,
                actor=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect("servicedesk_workorders:order_detail", number=order.number)
    order.refresh_from_db()
    return render(
        request, "servicedesk/workorder_detail.html", _detail_context(order, form), status=400
    )
