"""Staff workbench pages (/workbench/cases/): the queue, the case page and its actions.

Every action calls a lifecycle service; a refusal (``DomainError``) comes back as a form error
with the service's Chinese message. Cases outside the staff member's reach are "not found"
(404) for the page and for every action. HTMX requests get the partial of the same view
(queue results, case body), other requests the full page or a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tongban.cases import forms_workbench as forms
from tongban.cases.selectors import workbench as wb
from tongban.cases.services import workbench as wb_services
from tongban.core.exceptions import DomainError
from tongban.core.permissions import CASES_VIEW_CASE, require_perm_page


def _lifecycle():
    from tongban.cases.services import lifecycle

    return lifecycle


# --- queue -----------------------------------------------------------------------------------
@require_GET
@require_perm_page(CASES_VIEW_CASE)
def queue(request):
    form = forms.QueueFilterForm(request.GET or None, item_choices=wb.item_choices(request.user))
    filters = form.filters() if form.is_bound else wb.QueueFilters()
    page = wb.queue_page(
        request.user,
        filters,
        page=request.GET.get("page") or 1,
        per_page=_int(request.GET.get("per_page"), wb.PAGE_SIZE),
    )
    context = {
        "form": form,
        "page": page,
        "rows": wb.queue_rows(request.user, page.object_list),
        "view": filters.view or wb.default_view(request.user),
        "query": _query_without_page(request),
        "can_batch_accept": wb.can_batch_accept(request.user),
    }
    template = "cases/workbench_queue.html"
    if request.htmx and request.htmx.target == "queue-results":
        template = "cases/partials/_workbench_queue_results.html"
    return render(request, template, context)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def batch_accept(request):
    form = forms.BatchAcceptForm(request.POST)
    results = []
    if form.is_valid():
        results = wb_services.batch_accept(form.cleaned_data["numbers"], actor=request.user)
    context = {"form": form, "results": results}
    template = (
        "cases/partials/_workbench_batch_results.html"
        if request.htmx
        else "cases/workbench_batch_results.html"
    )
    return render(request, template, context, status=200 if form.is_valid() else 400)


# --- the case page ---------------------------------------------------------------------------
@require_GET
@require_perm_page(CASES_VIEW_CASE)
def case_detail(request, number):
    case = wb.access_workbench_case(request.user, number)
    return _render_case(request, case)


def case_page_context(user, case, *, bound=None) -> dict:
    """The case page's data plus one form per action (``bound`` replaces the failed one)."""
    data = wb.case_page_data(user, case)
    bound = bound or {}
    action_forms = {
        "accept": forms.ConfirmForm(),
        "reject": forms.ReasonForm(prefix="reject"),
        "correction": forms.CorrectionForm(prefix="correction", materials=data["item_materials"]),
        "suspend": forms.ReasonForm(prefix="suspend"),
        "resume": forms.ConfirmForm(),
        "conclude": forms.ConfirmForm(),
        "hall_visit": forms.ConfirmForm(),
    }
    action_forms.update({k: v for k, v in bound.items() if k in action_forms})
    data["forms"] = action_forms
    data["decisions"] = [
        (task, bound.get(f"decision_{task.pk}") or forms.DecisionForm(prefix=f"task{task.pk}"))
        for task in data["decidable_tasks"]
    ]
    return data


def _render_case(request, case, *, bound=None, action=None, error=None, status=200):
    context = case_page_context(request.user, case, bound=bound)
    context.update({"action": action, "action_error": error})
    if request.htmx:
        return render(request, "cases/partials/_workbench_case_body.html", context, status=status)
    return render(request, "cases/workbench_case.html", context, status=status)


def _run_action(request, number, action, form, perform, success_message):
    """Validate ``form``, call ``perform(case, cleaned_data)``; on success redirect (or the
    fresh case body for HTMX), on refusal the page again with the error on the form."""
    case = wb.access_workbench_case(request.user, number)
    error = None
    if form.is_valid():
        try:
            perform(case, form.cleaned_data)
        except DomainError as exc:
            if exc.status == 404:
                raise
            exc.add_to_form(form)
            error = exc  # the lifecycle service audited the refusal
        else:
            messages.success(request, success_message)
            if request.htmx:
                case = wb.access_workbench_case(request.user, number)
                return _render_case(request, case)
            return redirect("workbench_cases:case_detail", number=number)
    # HTMX swaps only 2xx answers: the form with its errors comes back as 200 there.
    status = 200 if request.htmx else 400
    case.refresh_from_db()
    return _render_case(
        request, case, bound={action: form}, action=action, error=error, status=status
    )


def _confirm_action(request, number, action, service_name, success_message):
    """An action without fields: the lifecycle service ``service_name`` on the case."""

    def perform(case, data):
        getattr(_lifecycle(), service_name)(case, actor=request.user)

    form = forms.ConfirmForm(request.POST)
    return _run_action(request, number, action, form, perform, success_message)


def _reason_action(request, number, action, service_name, success_message):
    """An action that must state a reason (form prefix ``action``)."""

    def perform(case, data):
        getattr(_lifecycle(), service_name)(case, actor=request.user, reason=data["reason"])

    form = forms.ReasonForm(request.POST, prefix=action)
    return _run_action(request, number, action, form, perform, success_message)


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_accept(request, number):
    return _confirm_action(request, number, "accept", "accept_case", _("已受理。"))


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_reject(request, number):
    return _reason_action(request, number, "reject", "reject_case", _("已作出不予受理决定。"))


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_request_correction(request, number):
    case = wb.access_workbench_case(request.user, number)
    form = forms.CorrectionForm(
        request.POST, prefix="correction", materials=wb.item_materials(case)
    )

    def perform(case, data):
        _lifecycle().request_correction(
            case, actor=request.user, items=form.items(), note=data.get("note", "")
        )

    return _run_action(request, number, "correction", form, perform, _("已发出一次性补正告知。"))


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_suspend(request, number):
    return _reason_action(
        request, number, "suspend", "suspend_case", _("已进入特别程序，时限暂停计算。")
    )


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_resume(request, number):
    return _confirm_action(
        request, number, "resume", "resume_case", _("特别程序结束，时限恢复计算。")
    )


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_conclude(request, number):
    return _confirm_action(request, number, "conclude", "conclude_case", _("已办结。"))


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def case_record_hall_visit(request, number):
    return _confirm_action(
        request, number, "hall_visit", "record_hall_visit", _("已登记一次到现场。")
    )


@require_POST
@require_perm_page(CASES_VIEW_CASE)
def task_decide(request, number, task_id):
    case = wb.access_workbench_case(request.user, number)
    task = wb.access_workbench_task(request.user, task_id)
    if task.case_id != case.pk:
        return HttpResponse(status=404)

    def perform(case, data):
        _lifecycle().decide_task(
            task,
            actor=request.user,
            approve=data["decision"] == "approve",
            opinion=data["opinion"],
        )

    return _run_action(
        request,
        number,
        f"decision_{task.pk}",
        forms.DecisionForm(request.POST, prefix=f"task{task.pk}"),
        perform,
        _("审查意见已提交。"),
    )
