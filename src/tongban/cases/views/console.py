"""Console: deadline status per department (operators and department admins see the
accepted, unconcluded cases within their ``cases.view_case`` reach — in time, warning at
80 % of the promised limit, overdue)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tongban.cases import selectors
from tongban.cases.permissions import CASES_MONITOR_DEADLINES
from tongban.core import permissions

monitor_deadlines = permissions.require_perm_page(CASES_MONITOR_DEADLINES)


@require_GET
@monitor_deadlines
def deadline_status(request):
    today = timezone.localdate()
    rows = selectors.deadline_status_by_unit(request.user, today)
    totals = {key: sum(row[key] for row in rows) for key in ("green", "yellow", "red", "total")}
    return render(
        request,
        "cases/console_deadlines.html",
        {"rows": rows, "totals": totals, "today": today},
    )
