"""Pages of data quality and error reports (数据治理、数据纠错).

Workbench (/workbench/sharing/quality/): the department's quality report (its resources with
their latest check), a resource's rules (add, remove, check now — a task), the error reports
the department received (answer, correct) and sent (report, confirm).
Console (/console/sharing/quality/): every department's quality, and the error reports past
their deadline (escalated to the platform).
"""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core import permissions as core_permissions
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.core.permissions import require_perm_page
from tongban.sharing import permissions, selectors
from tongban.sharing.models import CorrectionReport, Grant, QualityRule, Resource
from tongban.sharing.permissions_quality import (
    SHARING_ANSWER_CORRECTION,
    SHARING_MANAGE_QUALITY,
    SHARING_OVERSEE_QUALITY,
    SHARING_REPORT_CORRECTION,
    SHARING_VIEW_QUALITY,
)
from tongban.sharing.services import corrections, quality

log = logging.getLogger(__name__)


def _error(request, exc: DomainError):
    return render(request, "sharing/error.html", {"error": exc}, status=exc.status)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("规则类型"), choices=QualityRule.Kind.choices)
    item_key = forms.ChoiceField(label=gettext_lazy("信息项"))
    code_kind = forms.ChoiceField(
        label=gettext_lazy("代码类型（代码校验）"),
        choices=[("", "—"), *QualityRule.CODE_KINDS.items()],
        required=False,
    )
    values = forms.CharField(
        label=gettext_lazy("允许的值（枚举，逗号分隔）"), max_length=2000, required=False
    )

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [
            (i.key, f"{i.name} ({i.key})") for i in resource.items.all()
        ]


class CorrectionForm(forms.Form):
    grant = forms.ModelChoiceField(
        queryset=Grant.objects.none(), label=gettext_lazy("资源（本部门的授权）")
    )
    record_key = forms.CharField(label=gettext_lazy("出错记录的关键字"), max_length=64)
    item_key = forms.CharField(
        label=gettext_lazy("出错的信息项标识（可选）"), max_length=64, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("错误说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    suggested_value = forms.CharField(
        label=gettext_lazy("建议值（可选）"), max_length=200, required=False
    )

    def __init__(self, *args, grants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = grants
        self.fields["grant"].label_from_instance = lambda g: (
            f"{g.resource.name} ({g.resource.code})"
        )


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("理由 / 更正说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


def _report_grants(user):
    return (
        selectors.grants_as_consumer(user)
        .filter(status=Grant.Status.ACTIVE)
        .filter(consumer_unit__in=core_permissions.units_for(user, SHARING_REPORT_CORRECTION))
    )


@require_perm_page(SHARING_VIEW_QUALITY)
@require_http_methods(["GET", "POST"])
def home(request):
    user = request.user
    form = CorrectionForm(request.POST or None, grants=_report_grants(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = data["grant"]
        try:
            report = corrections.report_error(
                actor=user,
                resource=grant.resource,
                reporter_unit=grant.consumer_unit,
                record_key=data["record_key"],
                item_key=data["item_key"],
                description=data["description"],
                suggested_value=data["suggested_value"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("纠错报告已提交：%(n)s") % {"n": report.number})
            return redirect("sharing_workbench:correction", number=report.number)
    units = core_permissions.units_for(user, SHARING_VIEW_QUALITY).filter(
        kind=OrgUnit.Kind.DEPARTMENT
    )
    context = {
        "departments": [quality.department_report(u) for u in units[:20]],
        "received": corrections.as_provider(user)[:100],
        "sent": corrections.as_reporter(user)[:100],
        "form": form,
        "may_report": core_permissions.has_perm(user, SHARING_REPORT_CORRECTION),
    }
    return render(request, "sharing/quality_home.html", context)


@require_perm_page(SHARING_VIEW_QUALITY)
@require_http_methods(["GET", "POST"])
def resource(request, code):
    try:
        res = quality.access_resource(request.user, code)
    except DomainError as exc:
        return _error(request, exc)
    may_manage = core_permissions.has_perm_in(request.user, SHARING_MANAGE_QUALITY, res.provider)
    form = RuleForm(request.POST or None, resource=res)
    if request.method == "POST":
        if not may_manage:
            return _error(request, core_permissions_denied())
        if form.is_valid():
            data = form.cleaned_data
            params = {"code_kind": data["code_kind"], "values": data["values"]}
            try:
                quality.add_rule(
                    actor=request.user,
                    resource=res,
                    kind=data["kind"],
                    item_key=data["item_key"],
                    params=params,
                )
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("规则已保存。"))
                return redirect("sharing_workbench:quality_resource", code=res.code)
    context = {
        "resource": res,
        "rules": quality.effective_rules(res),
        "report": quality.latest_report(res),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "sharing/quality_resource.html", context)


def core_permissions_denied():
    from tongban.core.exceptions import PermissionDenied

    return PermissionDenied("permission_denied", _("您没有执行此操作的权限。"))


@require_perm_page(SHARING_MANAGE_QUALITY)
@require_POST
def remove_rule(request, code, pk):
    try:
        res = quality.access_resource(request.user, code)
        rule = QualityRule.objects.filter(resource=res, pk=pk).first()
        if rule is None:
            from tongban.sharing.errors_exchange import ExchangeError, error

            raise error(ExchangeError.RULE_NOT_FOUND)
        quality.remove_rule(actor=request.user, rule=rule)
    except DomainError as exc:
        return _error(request, exc)
    messages.success(request, _("规则已删除。"))
    return redirect("sharing_workbench:quality_resource", code=code)


@require_perm_page(SHARING_MANAGE_QUALITY)
@require_POST
def check_now(request, code):
    try:
        res = quality.access_resource(request.user, code)
        core_permissions.check_perm(request.user, SHARING_MANAGE_QUALITY, res.provider)
    except DomainError as exc:
        return _error(request, exc)
    from tongban.sharing.tasks_quality import run_quality_check

    def enqueue():
        try:
            run_quality_check.enqueue(res.pk)
        except Exception:  # noqa: BLE001 - the daily task checks it anyway
            log.exception("could not enqueue the quality check of %s", res.code)

    transaction.on_commit(enqueue)
    messages.success(request, _("已开始质量检查，稍后刷新查看报告。"))
    return redirect("sharing_workbench:quality_resource", code=res.code)


@login_required
@require_http_methods(["GET", "POST"])
def correction(request, number):
    try:
        report = corrections.access_report(request.user, number)
    except DomainError as exc:
        return _error(request, exc)
    user = request.user
    is_provider = core_permissions.has_perm_in(user, SHARING_ANSWER_CORRECTION, report.provider)
    is_reporter = core_permissions.has_perm_in(
        user, SHARING_REPORT_CORRECTION, report.reporter_unit
    )
    form = TextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        text = form.cleaned_data["text"]
        actions = {
            "accept": lambda: corrections.accept(actor=user, report=report, reason=text),
            "reject": lambda: corrections.reject(actor=user, report=report, reason=text),
            "correct": lambda: corrections.correct(actor=user, report=report, note=text),
            "confirm": lambda: corrections.confirm(actor=user, report=report),
        }
        if action not in actions:
            form.add_error(None, _("操作无效"))
        else:
            try:
                actions[action]()
            except DomainError as exc:
                if exc.status in (403, 404):
                    return _error(request, exc)
                exc.add_to_form(form) if exc.field else form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("sharing_workbench:correction", number=report.number)
    context = {
        "report": report,
        "form": form,
        "is_provider": is_provider,
        "is_reporter": is_reporter,
        "S": CorrectionReport.Status,
    }
    return render(request, "sharing/correction_detail.html", context)


# --- console -----------------------------------------------------------------------------------
@require_perm_page(SHARING_OVERSEE_QUALITY)
def console(request):
    user = request.user
    units = (
        OrgUnit.objects.filter(
            pk__in=Resource.objects.exclude(status=Resource.Status.RETIRED).values("provider_id")
        )
        .filter(pk__in=core_permissions.units_for(user, SHARING_VIEW_QUALITY).values("pk"))
        .select_related("parent")
        .order_by("code")
    )
    context = {
        "departments": [quality.department_report(u) for u in units[:200]],
        "escalated": corrections.escalated(user)[:200],
        "may_oversee": core_permissions.has_perm(user, permissions.SHARING_ARBITRATE_SHARE),
    }
    return render(request, "sharing/quality_console.html", context)
