"""Staff pages of 12345 work orders, mounted at /workbench/workorders/.

12345 centre (``servicedesk.dispatch_work_order``): the list (filters, search; HTMX partial),
register a caller's order, and one order's page — dispatch with the suggested department
first, 督办 (press or send an answer back), 办结 after reviewing the answer, 回访.

Departments (``servicedesk.handle_work_order``): orders dispatched to their units with their
notices; one order's page — reply, or return a wrongly dispatched order with a reason.

Every action is a POST to its own URL calling one service function; a refusal comes back as
the form's error on the order's page (status 400/409), nothing changed.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER, require_perm_page
from tongban.servicedesk import selectors_workorders as selectors
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.permissions_workorders import SERVICEDESK_DISPATCH_WORK_ORDER
from tongban.servicedesk.services import workorders as services
from tongban.servicedesk.services.dispatch import suggest_departments
from tongban.servicedesk.services.workorder_notices import mark_read, unit_notices
from tongban.servicedesk.views.workorders import ACTION_LABELS
from tongban.servicedesk.views.workorders_forms import (
    STARS,
    CallbackForm,
    CallerWorkOrderForm,
    DispatchForm,
    NoteForm,
    ReplyForm,
    ReturnForm,
)

FILTER_LABELS = [
    ("todo", _lazy("待派单")),
    ("in_progress", _lazy("办理中")),
    ("replied", _lazy("待审核办结")),
    ("callback", _lazy("待回访")),
    ("supervised", _lazy("督办中")),
    ("linked", _lazy("并案")),
    ("all", _lazy("全部")),
]


def _timeline(order):
    return [(e, ACTION_LABELS.get(e.action, e.action)) for e in selectors.timeline(order)]


# --- the 12345 centre ----------------------------------------------------------------------------
@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
def hotline_list(request):
    status = request.GET.get("status", "todo")
    if status not in dict(FILTER_LABELS):
        status = "todo"
    query = request.GET.get("q", "")[:50]
    orders = list(selectors.hotline_orders(request.user, status, query)[:200])
    context = {
        "orders": orders,
        "status": status,
        "query": query,
        "filters": FILTER_LABELS,
        "notices": unit_notices(selectors.hotline_units(request.user), limit=10),
    }
    if request.htmx:
        return render(request, "servicedesk/partials/_workorder_hotline_results.html", context)
    return render(request, "servicedesk/workorder_hotline_list.html", context)


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
@require_http_methods(["GET", "POST"])
def hotline_create(request):
    form = CallerWorkOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.create_work_order(
                actor=request.user,
                kind=data["kind"],
                channel=WorkOrder.Channel.HOTLINE,
                title=data["title"],
                content=data["content"],
                division_code=data["division_code"],
                location=data["location"],
                contact_name=data["contact_name"],
                contact_mobile=data["contact_mobile"],
                is_urgent=data["is_urgent"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已登记工单 %(number)s。") % {"number": order.number})
            return redirect("servicedesk_hotline:hotline_detail", number=order.number)
    return render(request, "servicedesk/workorder_hotline_form.html", {"form": form})


def _callback_form(order, data=None):
    form = CallbackForm(data)
    if order.rating is not None:
        del form.fields["level"]  # already rated: the callback only records the call
    return form


def _hotline_context(request, order, **forms):
    departments = list(selectors.department_choices(order.hotline_unit))
    suggestions = []
    if order.status == WorkOrder.Status.ACCEPTED:
        suggestions = suggest_departments(f"{order.title} {order.content}", order.division_code)
    first = suggestions[0].unit if suggestions else order.suggested_unit
    if first is not None and first in departments:
        departments.remove(first)
        departments.insert(0, first)
    S = WorkOrder.Status
    context = {
        "order": order,
        "timeline": _timeline(order),
        "linked": selectors.linked_orders(order),
        "suggestions": suggestions,
        "stars": STARS.get(order.rating, ""),
        "dispatch_form": (
            DispatchForm(departments=departments, initial_department=first)
            if order.status == S.ACCEPTED
            else None
        ),
        "supervise_form": (
            NoteForm(label=_("督办意见")) if order.status in (S.DISPATCHED, S.REPLIED) else None
        ),
        "can_conclude": order.status == S.REPLIED,
        "callback_form": (
            _callback_form(order)
            if order.status in (S.CONCLUDED, S.RATED) and order.called_back_at is None
            else None
        ),
    }
    context.update(forms)
    return context


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
def hotline_detail(request, number):
    order = selectors.hotline_order(request.user, number)
    mark_read(order, units=selectors.hotline_units(request.user))
    return render(
        request, "servicedesk/workorder_hotline_detail.html", _hotline_context(request, order)
    )


def _hotline_action(request, number, form, form_name, action, done):
    order = selectors.hotline_order(request.user, number)
    if form is None or form.is_valid():
        try:
            action(order, form)
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("servicedesk_hotline:hotline_detail", number=number)
            exc.add_to_form(form)
        else:
            messages.success(request, done)
            return redirect("servicedesk_hotline:hotline_detail", number=number)
    order = selectors.hotline_order(request.user, number)
    context = _hotline_context(request, order, **{form_name: form})
    return render(request, "servicedesk/workorder_hotline_detail.html", context, status=400)


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
@require_POST
def hotline_dispatch(request, number):
    order = selectors.hotline_order(request.user, number)
    departments = list(selectors.department_choices(order.hotline_unit))
    form = DispatchForm(request.POST, departments=departments)
    return _hotline_action(
        request,
        number,
        form,
        "dispatch_form",
        lambda o, f: services.dispatch_work_order(o, actor=request.user, department=f.unit()),
        _("已派单。"),
    )


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
@require_POST
def hotline_supervise(request, number):
    return _hotline_action(
        request,
        number,
        NoteForm(request.POST, label=_("督办意见")),
        "supervise_form",
        lambda o, f: services.supervise_work_order(
            o, actor=request.user, note=f.cleaned_data["note"]
        ),
        _("已督办。"),
    )


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
@require_POST
def hotline_conclude(request, number):
    return _hotline_action(
        request,
        number,
        None,
        "",
        lambda o, f: services.conclude_work_order(o, actor=request.user),
        _("已办结，答复已发送给诉求人。"),
    )


@require_perm_page(SERVICEDESK_DISPATCH_WORK_ORDER)
@require_POST
def hotline_callback(request, number):
    order = selectors.hotline_order(request.user, number)
    return _hotline_action(
        request,
        number,
        _callback_form(order, request.POST),
        "callback_form",
        lambda o, f: services.call_back_work_order(
            o, actor=request.user, note=f.cleaned_data["note"], level=f.cleaned_data.get("level")
        ),
        _("已记录回访。"),
    )


# --- departments ---------------------------------------------------------------------------------
@require_perm_page(SERVICEDESK_HANDLE_WORK_ORDER)
def department_list(request):
    open_only = request.GET.get("all") != "1"
    context = {
        "orders": list(selectors.department_orders(request.user, open_only=open_only)[:200]),
        "open_only": open_only,
        "notices": unit_notices(selectors.department_units(request.user), limit=10),
    }
    return render(request, "servicedesk/workorder_department_list.html", context)


def _department_context(order, **forms):
    handling = order.status == WorkOrder.Status.DISPATCHED
    context = {
        "order": order,
        "timeline": _timeline(order),
        "linked": selectors.linked_orders(order),
        "reply_form": ReplyForm() if handling else None,
        "return_form": ReturnForm() if handling else None,
    }
    context.update(forms)
    return context


@require_perm_page(SERVICEDESK_HANDLE_WORK_ORDER)
def department_detail(request, number):
    order = selectors.department_order(request.user, number)
    mark_read(order, units=selectors.department_units(request.user))
    return render(
        request, "servicedesk/workorder_department_detail.html", _department_context(order)
    )


def _department_action(request, number, form, form_name, action, done, after="detail"):
    order = selectors.department_order(request.user, number)
    if form.is_valid():
        try:
            action(order, form)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, done)
            if after == "list":
                return redirect("servicedesk_hotline:department_list")
            return redirect("servicedesk_hotline:department_detail", number=number)
    order = selectors.department_order(request.user, number)
    context = _department_context(order, **{form_name: form})
    return render(request, "servicedesk/workorder_department_detail.html", context, status=400)


@require_perm_page(SERVICEDESK_HANDLE_WORK_ORDER)
@require_POST
def department_reply(request, number):
    return _department_action(
        request,
        number,
        ReplyForm(request.POST),
        "reply_form",
        lambda o, f: services.reply_work_order(
            o, actor=request.user, reply=f.cleaned_data["reply"]
        ),
        _("已答复，等待热线审核办结。"),
    )


@require_perm_page(SERVICEDESK_HANDLE_WORK_ORDER)
@require_POST
def department_return(request, number):
    return _department_action(
        request,
        number,
        ReturnForm(request.POST),
        "return_form",
        lambda o, f: services.return_work_order(
            o, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        _("已退回热线重新派单。"),
        after="list",
    )
