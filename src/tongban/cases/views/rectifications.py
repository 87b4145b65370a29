"""差评整改 in the workbench: /workbench/rectifications/ (items of the units in reach, with
per-department rating figures) and /workbench/rectifications/<id>/ (the rating, the callback
record and the closing result)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.cases.forms_evaluation import STARS, CallbackForm, CloseForm
from tongban.cases.models import Rectification
from tongban.cases.permissions import CASES_HANDLE_RECTIFICATION
from tongban.cases.selectors.evaluation import (
    access_rectification,
    rectifications_for,
    unit_figures,
)
from tongban.cases.services.evaluation import close_rectification, record_callback
from tongban.core.exceptions import DomainError
from tongban.core.masking import pii_checker
from tongban.core.permissions import CASES_VIEW_CASE, has_perm_in, require_perm_page

PAGE_SIZE = 50


@require_perm_page(CASES_VIEW_CASE)
def rectification_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    items = list(
        rectifications_for(request.user, status=status, overdue=overdue, today=today)[:PAGE_SIZE]
    )
    visible = pii_checker(request.user)
    rows = [
        {
            "item": item,
            "case": item.evaluation.case,
            "overdue": item.is_overdue(today),
            "name_visible": visible(item.org_unit_id),
        }
        for item in items
    ]
    context = {
        "rows": rows,
        "figures": unit_figures(request.user, today=today),
        "status": status,
        "overdue": overdue,
        "statuses": Rectification.Status.choices,
    }
    template = "cases/rectification_list.html"
    if getattr(request, "htmx", False):
        template = "cases/rectification_list_results.html"
    return render(request, template, context)


def _detail_context(request, item, callback_form=None, close_form=None):
    can_handle = has_perm_in(request.user, CASES_HANDLE_RECTIFICATION, item.org_unit)
    closed = item.status == Rectification.Status.CLOSED
    return {
        "item": item,
        "case": item.evaluation.case,
        "evaluation": item.evaluation,
        "evaluation_stars": STARS.get(item.evaluation.level, ""),
        "overdue": item.is_overdue(),
        "name_visible": pii_checker(request.user)(item.org_unit_id),
        "can_handle": can_handle,
        "callback_form": (callback_form or CallbackForm()) if can_handle and not closed else None,
        "close_form": (close_form or CloseForm())
        if can_handle and item.status == Rectification.Status.CALLED_BACK
        else None,
    }


@require_perm_page(CASES_VIEW_CASE)
def rectification_detail(request, pk):
    item = access_rectification(request.user, pk)
    return render(request, "cases/rectification_detail.html", _detail_context(request, item))


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def rectification_callback(request, pk):
    item = access_rectification(request.user, pk)
    form = CallbackForm(request.POST)
    if form.is_valid():
        try:
            record_callback(item, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise  # rendered as the error page with its status
            exc.add_to_form(form)
        else:
            messages.success(request, _("已记录回访。"))
            return redirect("rectifications:rectification_detail", pk=item.pk)
    context = _detail_context(request, item, callback_form=form)
    return render(request, "cases/rectification_detail.html", context, status=400)


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def rectification_close(request, pk):
    item = access_rectification(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            close_rectification(item, actor=request.user, result=form.cleaned_data["result"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise  # rendered as the error page with its status
            exc.add_to_form(form)
        else:
            messages.success(request, _("整改事项已办结。"))
            return redirect("rectifications:rectification_detail", pk=item.pk)
    item.refresh_from_db()
    context = _detail_context(request, item, close_form=form)
    if context["close_form"] is None:  # e.g. not called back yet: show the error anyway
        context["close_form"] = form
    return render(request, "cases/rectification_detail.html", context, status=400)
