"""The applicant's pages (mounted at /my/cases/): my cases, starting and filling in an
application (autosaved through HTMX), materials, tracking, corrections, withdrawal.

Every write goes through ``tongban.cases.services.applications`` (and from there the
lifecycle services); reads of a numbered case through ``selectors.access_case``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tongban.cases import payment_orders, selectors
from tongban.cases.forms_applicant import (
    ApplicationForm,
    LicenceConsentForm,
    MaterialUploadForm,
    WithdrawForm,
)
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import applications
from tongban.cases.storage import material_response
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.models import AuditEvent

# Audit events shown on the tracking page, with the applicant-facing label.
TIMELINE_LABELS = {
    "cases.draft_started": "创建申请",
    "cases.case_submitted": "提交申请",
    "cases.case_accepted": "已受理",
    "cases.case_rejected": "不予受理",
    "cases.case_not_accepted": "不予受理",
    "cases.correction_requested": "通知补正材料",
    "cases.correction_submitted": "已提交补正材料",
    "cases.case_suspended": "进入特别程序",
    "cases.case_resumed": "特别程序结束，恢复办理",
    "cases.stage_completed": "审查环节完成",
    "cases.case_approved": "准予许可",
    "cases.case_denied": "不予许可",
    "cases.case_concluded": "已办结",
    "cases.case_withdrawn": "已撤回申请",
    "cases.payment_requested": "等待缴费",
    "cases.awaiting_payment_entered": "等待缴费",
    "cases.payment_received": "已缴费",
    "cases.material_uploaded": "上传材料",
    "cases.licence_attached": "调用电子证照",
}
WITHDRAWABLE = {
    Case.Status.SUBMITTED,
    Case.Status.CORRECTION_REQUESTED,
    Case.Status.IN_REVIEW,
    Case.Status.SUSPENDED,
    Case.Status.AWAITING_PAYMENT,
}
STATUS_BADGE = {
    Case.Status.DRAFT: "",
    Case.Status.CORRECTION_REQUESTED: "warn",
    Case.Status.AWAITING_PAYMENT: "warn",
    Case.Status.NOT_ACCEPTED: "bad",
    Case.Status.DENIED: "bad",
    Case.Status.APPROVED: "ok",
    Case.Status.CONCLUDED: "ok",
}


def _lifecycle():
    from tongban.cases.services import lifecycle

    return lifecycle


def _deadline(case) -> dict:
    lifecycle = _lifecycle()
    try:
        remaining = lifecycle.remaining_working_days(case)
        light = lifecycle.deadline_light(case)
    except (AttributeError, TypeError, ValueError):
        remaining, light = None, None
    return {"remaining": remaining, "light": light}


def _card(case) -> dict:
    return {
        "case": case,
        "badge": STATUS_BADGE.get(case.status, ""),
        **_deadline(case),
    }


def _edit_url(case) -> str:
    return reverse("my_cases:edit", args=[case.pk])


# --- list and start --------------------------------------------------------------------------
@login_required
def case_list(request):
    cases = (
        selectors.cases_of_applicant(request.user)
        .exclude(status=Case.Status.DRAFT)
        .select_related("implementation__item", "company")
    )
    return render(
        request,
        "cases/applicant_list.html",
        {
            "drafts": applications.drafts_of(request.user),
            "cards": [_card(case) for case in cases[:200]],
        },
    )


def _implementation(implementation_id):
    from tongban.catalog.models import Implementation

    implementation = (
        Implementation.objects.select_related("item__current_version", "org_unit")
        .filter(pk=implementation_id)
        .first()
    )
    if implementation is None:
        raise Http404("未找到该事项")
    return implementation


@login_required
@require_http_methods(["GET", "POST"])
def case_start(request, implementation_id):
    implementation = _implementation(implementation_id)
    applications.open_version(implementation)  # a withdrawn item renders the error page
    choices = applications.applicant_choices(request.user, implementation)
    error = None
    if request.method == "POST":
        chosen = request.POST.get("applicant", "")
        choice = next((c for c in choices if c["key"] == chosen), None)
        try:
            if choice is None:
                raise applications.error(
                    applications.ApplicationError.APPLICANT_CHOICE_INVALID, field="applicant"
                )
            case = applications.start_draft(
                implementation, actor=request.user, company=choice["company"]
            )
        except DomainError as exc:
            error = exc
        else:
            return redirect(_edit_url(case))
    return render(
        request,
        "cases/applicant_start.html",
        {"implementation": implementation, "choices": choices, "error": error},
        status=error.status if error else 200,
    )


# --- draft: form and materials ---------------------------------------------------------------
def _materials_context(request, case) -> dict:
    current = applications.current_materials(case)
    rows = []
    for material in case.item_version.materials.all():
        rows.append(
            {
                "material": material,
                "current": current.get(material.pk),
                "licences": applications.wallet_licences(request.user, material),
                "upload_form": MaterialUploadForm(prefix=f"m{material.pk}"),
            }
        )
    return {
        "case": case,
        "material_rows": rows,
        "max_upload_mb": applications.uploads.max_upload_bytes() / (1024 * 1024),
    }


def _application_form(request, case, *, enforce_required=False, data=None):
    return ApplicationForm(
        data,
        fields_state=applications.application_fields(case, actor=request.user),
        enforce_required=enforce_required,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = applications.access_application(request.user, pk)
    action = request.POST.get("action", "save")
    if case.status != Case.Status.DRAFT:
        key = request.POST.get("idempotency_key", "")
        if request.method == "POST" and action == "submit" and key:
            try:  # a double submit: the same case back
                case = applications.submit_application(
                    case, actor=request.user, idempotency_key=key
                )
            except DomainError:
                pass
        if case.number:
            return redirect("my_cases:detail", number=case.number)
        raise Http404("该申请已不是草稿")
    status = 200
    if request.method == "POST":
        submitting = action == "submit"
        form = _application_form(request, case, enforce_required=submitting, data=request.POST)
        if form.is_valid():
            try:
                if submitting:
                    case = applications.submit_application(
                        case,
                        actor=request.user,
                        idempotency_key=form.cleaned_data.get("idempotency_key", ""),
                        form_values=form.values(),
                    )
                else:
                    applications.save_draft(case, form.values(), actor=request.user)
            except DomainError as exc:
                if exc.status == 404:
                    raise
                exc.add_to_form(form)
            else:
                if submitting:
                    messages.success(request, f"申请已提交，办件编号：{case.number}")
                    return redirect("my_cases:detail", number=case.number)
                if request.htmx:
                    return render(request, "cases/partials/_applicant_autosave.html", {"ok": True})
                messages.success(request, "草稿已保存")
                return redirect(_edit_url(case))
        if request.htmx and not submitting:
            # 200 so that htmx swaps the message in (it ignores 4xx bodies by default).
            return render(
                request, "cases/partials/_applicant_autosave.html", {"ok": False, "form": form}
            )
        status = 400
    else:
        form = _application_form(request, case)
    context = {"form": form, **_materials_context(request, case)}
    return render(request, "cases/applicant_edit.html", context, status=status)


def _back(request, case) -> str:
    if request.POST.get("next") == "correct" and case.number:
        return reverse("my_cases:correct", args=[case.number])
    return _edit_url(case)


@login_required
@require_POST
def material_upload(request, pk, material_id):
    case = applications.access_application(request.user, pk)
    material = case.item_version.materials.filter(pk=material_id).first()
    form = MaterialUploadForm(request.POST, request.FILES, prefix=f"m{material_id}")
    try:
        if not form.is_valid():
            raise DomainError("file_empty", "请选择要上传的文件", "file")
        applications.attach_upload(case, material, form.cleaned_data["file"], actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        status = exc.status
    else:
        messages.success(request, "材料已上传")
        status = 200
    if request.htmx:
        case.refresh_from_db()
        context = _materials_context(request, case)
        context["next"] = request.POST.get("next", "edit")
        return render(request, "cases/partials/_applicant_materials.html", context, status=status)
    return redirect(_back(request, case))


@login_required
@require_POST
def licence_attach(request, pk, material_id):
    case = applications.access_application(request.user, pk)
    material = case.item_version.materials.filter(pk=material_id).first()
    form = LicenceConsentForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("consent_required", "请先同意调用电子证照", "consent")
        applications.attach_licence(
            case, material, form.cleaned_data["licence_ref"], actor=request.user
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "已调用电子证照")
    return redirect(_back(request, case))


# --- tracking, correction, withdrawal ------------------------------------------------------
def _timeline(case) -> list[dict]:
    events = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk)).order_by(
        "seq"
    )
    timeline = [
        {"at": event.created_at, "label": TIMELINE_LABELS[event.event_type], "data": event.data}
        for event in events.only("created_at", "event_type", "data", "seq")
        if event.event_type in TIMELINE_LABELS
    ]
    if not timeline:  # fall back on the case's own dates
        for at, label in (
            (case.created_at, "创建申请"),
            (case.submitted_at, "提交申请"),
            (case.accepted_at, "已受理"),
            (case.decided_at, "作出决定"),
            (case.concluded_at, "已办结"),
        ):
            if at:
                timeline.append({"at": at, "label": label, "data": {}})
    return timeline


def _open_correction(case):
    return case.corrections.filter(resolved_at__isnull=True).order_by("-created_at").first()


@login_required
def case_detail(request, number):
    case = selectors.access_case(request.user, number, "view")
    is_applicant = case.applicant_id == request.user.pk
    context = {
        **_card(case),
        "is_applicant": is_applicant,
        "timeline": _timeline(case),
        "correction": _open_correction(case),
        "notifications": case.notifications.filter(user=request.user)[:50],
        "materials": case.materials.order_by("material_id", "-id"),
        "fields": applications.application_fields(case, actor=case.applicant)
        if is_applicant
        else [],
        "can_withdraw": is_applicant and case.status in WITHDRAWABLE,
        "withdraw_form": WithdrawForm(),
        "payment_orders": list(payment_orders.orders_for_case(case)[:10]) if is_applicant else [],
    }
    return render(request, "cases/applicant_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_correct(request, number):
    case = selectors.access_case(request.user, number, "apply")
    if case.applicant_id != request.user.pk:
        raise Http404("未找到该办件")
    if case.status != Case.Status.CORRECTION_REQUESTED:
        messages.info(request, "该办件当前不需要补正")
        return redirect("my_cases:detail", number=case.number)
    status = 200
    if request.method == "POST":
        try:
            applications.submit_correction(case, actor=request.user)
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, "补正材料已提交，请等待窗口受理")
            return redirect("my_cases:detail", number=case.number)
    context = {
        "correction": _open_correction(case),
        **_materials_context(request, case),
        "next": "correct",
    }
    return render(request, "cases/applicant_correct.html", context, status=status)


@login_required
@require_POST
def case_withdraw(request, number):
    case = selectors.access_case(request.user, number, "apply")
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        applications.withdraw_application(case, actor=request.user, reason=reason)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请已撤回")
    return redirect("my_cases:detail", number=case.number)


@login_required
def material_download(request, material_id):
    """A stored material, for the case's applicant or staff who may view the case."""
    row = (
        CaseMaterial.objects.select_related("case")
        .filter(pk=material_id, source=CaseMaterial.Source.UPLOAD)
        .exclude(file="")
        .first()
    )
    if row is None:
        raise Http404("未找到该材料")
    case = row.case
    if case.number:
        try:
            selectors.access_case(request.user, case.number, "view")
        except NotFound:
            raise Http404("未找到该材料") from None
    elif case.applicant_id != request.user.pk:
        raise Http404("未找到该材料")
    return material_response(row)
