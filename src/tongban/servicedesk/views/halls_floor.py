"""Pages on the hall floor (mounted at /hall/): the kiosk (自助签到取号), a window's calling
page (窗口叫号) and the calling display (叫号屏).

* Kiosk ``/hall/kiosk/<kiosk_key>/``: no login; the address holds the hall's secret key, so
  only the hall's own devices reach it. Check-in by the scanned booking QR or the typed
  booking code; walk-ins take a number for a category.
* Window ``/hall/windows/<id>/``: window clerks of the hall's region (its unit or one of its
  departments) call the next number, recall, mark served or 过号.
* Display ``/hall/<code>/display/``: no login; numbers, windows and masked names only;
  refreshes itself by HTMX polling (the same view answers the partial).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.masking import mask_name
from tongban.core.permissions import require_perm_page
from tongban.servicedesk import selectors_halls as selectors
from tongban.servicedesk.permissions import SERVICEDESK_CALL_TICKET
from tongban.servicedesk.services import queue

DISPLAY_REFRESH_SECONDS = 3


# --- kiosk ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def kiosk(request, kiosk_key: str):
    hall = selectors.hall_by_kiosk_key(kiosk_key)
    ticket = error = None
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "walk_in":
                ticket = queue.take_walk_in_ticket(
                    hall=hall, department_name=request.POST.get("category", "")[:64]
                )
            else:
                ticket = queue.check_in(hall=hall, payload=request.POST.get("code", "")[:200])
        except DomainError as exc:
            error, status = exc, exc.status
    context = {
        "hall": hall,
        "ticket": ticket,
        "ticket_name": mask_name(ticket.holder_name) if ticket and ticket.holder_name else "",
        "error": error,
        "categories": selectors.hall_categories(hall),
        "waiting": selectors.waiting_tickets(hall, timezone.localdate()).count(),
    }
    if getattr(request, "htmx", False):
        # HTMX swaps only 2xx answers: the refusal is the partial's content (role=alert).
        return render(request, "servicedesk/partials/_kiosk_result.html", context)
    return render(request, "servicedesk/kiosk.html", context, status=status)


# --- display --------------------------------------------------------------------------------
def display(request, code: str):
    hall = selectors.active_hall_by_code(code)
    context = {
        "hall": hall,
        "board": selectors.display_board(hall),
        "refresh": DISPLAY_REFRESH_SECONDS,
        "now": timezone.localtime(),
    }
    template = "servicedesk/display.html"
    if getattr(request, "htmx", False):
        template = "servicedesk/partials/_display_board.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


# --- window ---------------------------------------------------------------------------------
def _window_context(request, window):
    day = timezone.localdate()
    current = selectors.current_ticket(window)
    waiting = list(selectors.waiting_for_window(window, day).select_related("item")[:30])
    return {
        "window": window,
        "hall": window.hall,
        "current": current,
        "current_name": mask_name(current.holder_name) if current and current.holder_name else "",
        "waiting": waiting,
        "waiting_count": selectors.waiting_for_window(window, day).count(),
        "other_windows": window.hall.windows.filter(is_active=True).exclude(pk=window.pk),
    }


@require_perm_page(SERVICEDESK_CALL_TICKET)
def window_page(request, window_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    return render(request, "servicedesk/window.html", _window_context(request, window))


WINDOW_ACTIONS = {
    "call_next": lambda window, ticket_id, actor: queue.call_next(window, actor=actor),
    "call": lambda window, ticket_id, actor: queue.call_ticket(window, ticket_id, actor=actor),
    "recall": lambda window, ticket_id, actor: queue.recall(window, ticket_id, actor=actor),
    "serve": lambda window, ticket_id, actor: queue.finish(
        window, ticket_id, actor=actor, served=True
    ),
    "no_show": lambda window, ticket_id, actor: queue.finish(
        window, ticket_id, actor=actor, served=False
    ),
}
DONE = {
    "call_next": "已叫号 {number}",
    "call": "已叫号 {number}",
    "recall": "已重呼 {number}",
    "serve": "{number} 已办结",
    "no_show": "{number} 已标记过号",
}


@require_POST
@require_perm_page(SERVICEDESK_CALL_TICKET)
def window_action(request, window_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    action = request.POST.get("action", "")
    if action not in WINDOW_ACTIONS:
        messages.error(request, _("未知操作"))
        return redirect("servicedesk_hall:window", window_id=window.pk)
    try:
        ticket = WINDOW_ACTIONS[action](window, request.POST.get("ticket", ""), request.user)
    except DomainError as exc:
        if exc.code == "window_not_found":
            raise
        context = _window_context(request, window)
        context["error"] = exc
        return render(request, "servicedesk/window.html", context, status=exc.status)
    messages.success(request, _(DONE[action]).format(number=ticket.number))
    return redirect("servicedesk_hall:window", window_id=window.pk)
