"""Operator console page of the sharing metrics (/console/sharing/metrics/): per department
the information sharing rate, request turnaround and overdue requests
(``selectors_metrics``)."""

from datetime import date

from django.shortcuts import render

from tongban.core.permissions import require_perm_page
from tongban.sharing import selectors_metrics
from tongban.sharing.permissions_quality import SHARING_VIEW_METRICS


def _date(value: str):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_perm_page(SHARING_VIEW_METRICS)
def metrics(request):
    since = _date(request.GET.get("since", ""))
    until = _date(request.GET.get("until", ""))
    rows = selectors_metrics.all_department_metrics(since=since, until=until)
    context = {"rows": rows, "since": since, "until": until}
    return render(request, "sharing/metrics.html", context)
