"""Finance console pages: reconciliation runs (对账批次), their report and resolving
differences (HTMX swaps the row of a resolved difference)."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.payments import forms_finance as forms
from tongban.payments.models import ReconciliationItem, ReconciliationRun
from tongban.payments.models.orders import yuan
from tongban.payments.permissions_finance import (
    PAYMENTS_RESOLVE_DIFFERENCE,
    PAYMENTS_RUN_RECONCILIATION,
)
from tongban.payments.services import reconciliation, statements
from tongban.payments.views.finance import _page, _query_without_page, view_finance


def _runs_context(request, start_form=None, upload_form=None):
    runs = ReconciliationRun.objects.select_related("statement").order_by(
        "-statement_date", "channel", "-pk"
    )
    page = _page(request, runs)
    yesterday = timezone.localdate() - timedelta(days=1)
    summaries = reconciliation.run_summaries(page.object_list, request.user)
    for run in page.object_list:
        summary = summaries[run.pk]
        run.visible = summary
        run.open_total = sum(values["open"] for values in summary.values())
        run.difference_total = sum(
            summary[kind]["count"] for kind in ReconciliationItem.DIFFERENCES
        )
    return {
        "page": page,
        "can_run": permissions.has_perm(request.user, PAYMENTS_RUN_RECONCILIATION),
        "start_form": start_form or forms.RunStartForm(initial={"date": yesterday}),
        "upload_form": upload_form or forms.StatementUploadForm(initial={"date": yesterday}),
    }


@require_GET
@view_finance
def run_list(request):
    return render(request, "payments/console_runs.html", _runs_context(request))


@require_POST
@permissions.require_perm_page(PAYMENTS_RUN_RECONCILIATION)
def run_start(request):
    form = forms.RunStartForm(request.POST)
    if form.is_valid():
        try:
            run = reconciliation.reconcile(
                form.cleaned_data["channel"], form.cleaned_data["date"], actor=request.user
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("对账已完成。"))
            return redirect("payments_console:run_detail", run_id=run.pk)
    return render(
        request, "payments/console_runs.html", _runs_context(request, start_form=form), status=400
    )


@require_POST
@permissions.require_perm_page(PAYMENTS_RUN_RECONCILIATION)
def statement_upload(request):
    form = forms.StatementUploadForm(request.POST, request.FILES)
    if form.is_valid():
        channel, day = form.cleaned_data["channel"], form.cleaned_data["date"]
        upload = form.cleaned_data["file"]
        try:
            reconciliation.check_day(channel, day)
            statement = statements.import_statement(
                channel, day, upload.read(), file_name=upload.name, actor=request.user
            )
            run = reconciliation.reconcile_statement(statement, actor=request.user)
        except DomainError as exc:
            form.add_error("file" if exc.field in (None, "file") else None, exc.message)
        else:
            messages.success(request, _t("对账单已导入并完成对账。"))
            return redirect("payments_console:run_detail", run_id=run.pk)
    return render(
        request,
        "payments/console_runs.html",
        _runs_context(request, upload_form=form),
        status=400,
    )


@require_GET
@view_finance
def run_detail(request, run_id: int):
    run = reconciliation.access_run(run_id)
    form = forms.ItemFilterForm(request.GET or None)
    items = reconciliation.items_for(request.user).filter(run=run)
    kind = status = ""
    if form.is_valid():
        kind, status = form.cleaned_data["kind"], form.cleaned_data["status"]
    if kind:
        items = items.filter(kind=kind)
    else:
        items = items.filter(kind__in=ReconciliationItem.DIFFERENCES)
    if status:
        items = items.filter(status=status)
    items = items.select_related("org_unit__parent").order_by("pk")
    context = {
        "run": run,
        "summary": reconciliation.run_summary(run, request.user),
        "form": form,
        "page": _page(request, items, 50),
        "query": _query_without_page(request),
        "resolve_form": forms.ResolveForm(),
    }
    return render(request, "payments/console_run_detail.html", context)


@require_POST
@permissions.require_perm_page(PAYMENTS_RESOLVE_DIFFERENCE)
def item_resolve(request, item_id: int):
    item = reconciliation.access_item(request.user, item_id, PAYMENTS_RESOLVE_DIFFERENCE)
    form = forms.ResolveForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            item = reconciliation.resolve_item(
                item, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            exc.add_to_form(form)
            status = 400
        else:
            form = forms.ResolveForm()
            if not request.htmx:
                messages.success(request, _t("差异已处理。"))
                return redirect("payments_console:run_detail", run_id=item.run_id)
    else:
        status = 400
    context = {"item": item, "resolve_form": form}
    if request.htmx:
        # htmx swaps 2xx answers only: the row with its error is a 200 with role=alert
        return render(request, "payments/partials/_console_item.html", context)
    run = item.run
    return render(
        request,
        "payments/console_run_detail.html",
        {
            "run": run,
            "summary": reconciliation.run_summary(run, request.user),
            "form": forms.ItemFilterForm(),
            "page": _page(
                request,
                reconciliation.items_for(request.user)
                .filter(run=run, pk=item.pk)
                .select_related("org_unit__parent"),
            ),
            "query": "",
            "resolve_form": form,
        },
        status=status,
    )


@require_GET
@view_finance
def run_export(request, run_id: int):
    """The report as CSV (UTF-8 with BOM for spreadsheets), only the reader's units' rows."""
    run = reconciliation.access_run(run_id)
    items = (
        reconciliation.items_for(request.user)
        .filter(run=run)
        .select_related("org_unit__parent")
        .order_by("pk")
    )
    response = StreamingHttpResponse(
        _csv_rows(run, items.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    name = f"reconciliation-{run.channel}-{run.statement_date:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value):
        return value


def _csv_rows(run, items):
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(
        [
            _t("渠道"),
            _t("账单日期"),
            _t("结果"),
            _t("处理状态"),
            _t("交易类型"),
            _t("交易号"),
            _t("缴款码"),
            _t("执收单位"),
            _t("平台金额（元）"),
            _t("渠道金额（元）"),
            _t("手续费（元）"),
            _t("处理说明"),
            _t("处理人"),
            _t("处理时间"),
        ]
    )
    for item in items:
        yield writer.writerow(
            [
                run.channel,
                run.statement_date.isoformat(),
                item.get_kind_display(),
                item.get_status_display(),
                item.record_type,
                item.trade_no,
                item.payment_code,
                item.org_unit.full_name if item.org_unit_id else "",
                "" if item.platform_amount is None else yuan(item.platform_amount),
                "" if item.channel_amount is None else yuan(item.channel_amount),
                yuan(item.fee),
                item.resolution_note,
                item.resolved_by_name,
                timezone.localtime(item.resolved_at).strftime("%Y-%m-%d %H:%M")
                if item.resolved_at
                else "",
            ]
        )
