"""Logistics pages: the citizen's deliveries and address book (/my/deliveries/), the window's
delivery list (/workbench/deliveries/) and the courier simulator (/courier/sim/, demo only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.codes import divisions
from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.servicedesk.forms_logistics import AddressForm, DeliveryOrderForm
from tongban.servicedesk.models import DeliveryOrder
from tongban.servicedesk.permissions_logistics import SERVICEDESK_DISPATCH_DELIVERY
from tongban.servicedesk.services import logistics
from tongban.servicedesk.tasks_logistics import send_simulated_callback


def _county_choices() -> list[tuple[str, str]]:
    return [
        (county.code, county.full_name)
        for city in divisions.cities()
        for county in divisions.counties(city.code)
    ]


# --- citizen -------------------------------------------------------------------------------
@login_required
def delivery_list(request):
    return render(
        request,
        "servicedesk/logistics_list.html",
        {
            "orders": logistics.deliveries_of(request.user)[:100],
            "addresses": logistics.addresses_of(request.user),
        },
    )


def _next_page(request) -> str:
    """Where to go back after saving an address: a page of this site only."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def address_book(request):
    form = AddressForm(request.POST or None, counties=_county_choices())
    if request.method == "POST" and form.is_valid():
        try:
            logistics.save_address(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("地址已保存。"))
            return redirect(_next_page(request) or "servicedesk_logistics:address_book")
    return render(
        request,
        "servicedesk/logistics_addresses.html",
        {"form": form, "addresses": logistics.addresses_of(request.user)},
    )


@login_required
@require_POST
def address_delete(request, pk: int):
    logistics.delete_address(actor=request.user, address_id=pk)
    messages.success(request, _("地址已删除。"))
    return redirect("servicedesk_logistics:address_book")


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request):
    case_number = (request.POST.get("case") or request.GET.get("case") or "").strip()
    case = logistics.applicant_case(request.user, case_number)
    addresses = list(logistics.addresses_of(request.user))
    if not addresses:
        messages.info(request, _("请先添加一个收发地址。"))
        book = reverse("servicedesk_logistics:address_book")
        return redirect(f"{book}?{urlencode({'next': request.get_full_path()})}")
    options = [(address, logistics.quote_fee(case, address.division_code)) for address in addresses]
    form = DeliveryOrderForm(
        request.POST or None,
        initial={"kind": request.GET.get("kind") or DeliveryOrder.Kind.DELIVERY},
        addresses=options,
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = logistics.order_delivery(
                actor=request.user,
                case_number=case.number,
                kind=form.cleaned_data["kind"],
                address_id=int(form.cleaned_data["address"]),
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("寄递订单已提交。"))
            return redirect("servicedesk_logistics:delivery_detail", number=order.number)
    return render(
        request,
        "servicedesk/logistics_new.html",
        {"form": form, "case": case, "options": options},
    )


@login_required
def delivery_detail(request, number: str):
    order = logistics.access_delivery(request.user, number)
    return render(
        request,
        "servicedesk/logistics_detail.html",
        {"order": order, "events": order.events.all(), "staff": False},
    )


@login_required
@require_POST
def delivery_cancel(request, number: str):
    logistics.cancel_delivery(actor=request.user, number=number)
    messages.success(request, _("订单已取消。"))
    return redirect("servicedesk_logistics:delivery_detail", number=number)


# --- the window ----------------------------------------------------------------------------
@require_perm_page(SERVICEDESK_DISPATCH_DELIVERY)
def staff_delivery_list(request):
    orders = logistics.staff_deliveries(request.user)
    status = request.GET.get("status", "")
    if status in DeliveryOrder.Status.values:
        orders = orders.filter(status=status)
    case_number = request.GET.get("case", "").strip()
    if case_number:
        orders = orders.filter(case__number=case_number)
    return render(
        request,
        "servicedesk/logistics_workbench.html",
        {
            "orders": orders[:200],
            "status": status,
            "statuses": DeliveryOrder.Status.choices,
            "case_number": case_number,
        },
    )


@require_perm_page(SERVICEDESK_DISPATCH_DELIVERY)
def staff_delivery_detail(request, number: str):
    order = logistics.access_staff_delivery(request.user, number)
    return render(
        request,
        "servicedesk/logistics_detail.html",
        {"order": order, "events": order.events.all(), "staff": True},
    )


@require_perm_page(SERVICEDESK_DISPATCH_DELIVERY)
@require_POST
def staff_delivery_dispatch(request, number: str):
    try:
        order = logistics.dispatch_results(actor=request.user, number=number)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已交寄，运单号 %(waybill)s。") % {"waybill": order.waybill_no})
    return redirect("servicedesk_logistics_workbench:delivery_detail", number=number)


# --- the courier simulator (demo) ----------------------------------------------------------
def _simulator_enabled() -> None:
    if not settings.SIMULATORS_ENABLED:
        raise Http404


@login_required
def simulator(request):
    _simulator_enabled()
    orders = (
        DeliveryOrder.objects.filter(courier="sim")
        .exclude(waybill_no="")
        .exclude(status__in=[DeliveryOrder.Status.DELIVERED, DeliveryOrder.Status.CANCELLED])
        .order_by("-dispatched_at")[:50]
    )
    return render(request, "servicedesk/courier_sim.html", {"orders": orders})


@login_required
@require_POST
def simulator_send(request):
    """Queue one simulated tracking callback (sent later by the task worker)."""
    _simulator_enabled()
    waybill_no = request.POST.get("waybill_no", "")
    status = request.POST.get("status", "")
    if not DeliveryOrder.objects.filter(courier="sim", waybill_no=waybill_no).exists() or (
        status not in {"picked_up", "in_transit", "delivered", "failed"}
    ):
        raise Http404
    send_simulated_callback.enqueue(
        waybill_no,
        status,
        request.POST.get("description", "")[:200],
        copies=2 if request.POST.get("duplicate") else 1,
        forge=bool(request.POST.get("forge")),
    )
    messages.success(request, _("回调已排队，稍后由快递模拟器发出。"))
    return redirect("servicedesk_courier_sim:simulator")
