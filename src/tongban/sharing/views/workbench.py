"""Department pages (/workbench/sharing/): both sides of requests and grants, consumer systems,
registering resources, and who used the department's data."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.core import permissions as core_permissions
from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.sharing import permissions, selectors
from tongban.sharing.models import Grant, ShareRequest
from tongban.sharing.services import catalogue, consumers
from tongban.sharing.services import requests as share_requests
from tongban.sharing.views.forms import (
    ApproveForm,
    ConsumerSystemForm,
    ReasonForm,
    ResourceForm,
    ShareRequestForm,
)


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _error_page(request, exc: DomainError):
    return render(request, "sharing/error.html", {"error": exc}, status=exc.status)


@require_perm_page(permissions.SHARING_VIEW_RESOURCE)
def home(request):
    user = request.user
    consumer = selectors.requests_as_consumer(user).select_related("grant")
    provider = selectors.requests_as_provider(user).select_related("grant")
    own_units = core_permissions.units_for(user, permissions.SHARING_MANAGE_RESOURCE)
    context = {
        "pending": provider.filter(status__in=ShareRequest.OPEN_STATUSES).order_by("due_on")[:50],
        "outgoing": consumer[:50],
        "decided": provider.exclude(status__in=ShareRequest.OPEN_STATUSES)[:50],
        "systems": selectors.consumer_systems_for(user),
        "grants_in": selectors.grants_as_consumer(user).filter(status=Grant.Status.ACTIVE)[:50],
        "grants_out": selectors.grants_as_provider(user).filter(status=Grant.Status.ACTIVE)[:50],
        "resources": selectors.search_resources(user).filter(provider__in=own_units)[:50],
        "may_request": core_permissions.has_perm(user, permissions.SHARING_REQUEST_SHARE),
        "may_manage": core_permissions.has_perm(user, permissions.SHARING_MANAGE_RESOURCE),
    }
    return render(request, "sharing/workbench_home.html", context)


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_http_methods(["GET", "POST"])
def system_create(request):
    form = ConsumerSystemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            system, secret = consumers.register_consumer_system(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            return _no_store(
                render(request, "sharing/system_created.html", {"system": system, "secret": secret})
            )
    return render(request, "sharing/system_form.html", {"form": form})


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_http_methods(["POST"])
def system_status(request, pk):
    system = selectors.consumer_systems_for(request.user).filter(pk=pk).first()
    if system is None:
        raise Http404
    active = request.POST.get("action") == "resume"
    consumers.set_consumer_system_status(actor=request.user, system=system, active=active)
    messages.success(
        request, _("使用系统已恢复。") if active else _("使用系统已停用，其访问令牌已作废。")
    )
    return redirect("sharing_workbench:home")


@require_perm_page(permissions.SHARING_REQUEST_SHARE)
@require_http_methods(["GET", "POST"])
def request_create(request, code):
    try:
        resource = selectors.access_resource(request.user, code)
    except DomainError as exc:
        return _error_page(request, exc)
    systems = selectors.consumer_systems_for(request.user).exclude(org_unit=resource.provider)
    form = ShareRequestForm(request.POST or None, resource=resource, systems=systems)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share_request = share_requests.submit_request(
                actor=request.user,
                resource=resource,
                consumer_system=data["consumer_system"],
                items=data["items"],
                legal_duty=data["legal_duty"],
                legal_basis=data["legal_basis"],
                purpose=data["purpose"],
                period_from=data["period_from"],
                period_to=data["period_to"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request, _("申请已提交：%(number)s") % {"number": share_request.number}
            )
            return redirect("sharing_workbench:request_detail", number=share_request.number)
    context = {"form": form, "resource": resource, "has_systems": systems.exists()}
    return render(request, "sharing/request_form.html", context)


def _detail_context(request, share_request, **forms):
    sides = selectors.sides(request.user, share_request)
    grant = Grant.objects.filter(request=share_request).first()
    names = {i.key: i.name for i in share_request.resource.items.all()}
    context = {
        "r": share_request,
        "grant": grant,
        "sides": sides,
        "item_names": [names.get(k, k) for k in share_request.items],
        "masking_rows": [(names.get(k, k), grant.masking.get(k, "")) for k in grant.items]
        if grant
        else [],
        "working_days_left": share_requests.working_days_left(share_request),
    }
    if sides["provider"] and share_request.status == ShareRequest.Status.SUBMITTED:
        context["approve_form"] = forms.get("approve_form") or ApproveForm(
            share_request=share_request,
            initial_masking=share_requests.default_masking(
                share_request.resource, share_request.items
            ),
        )
        context["refuse_form"] = forms.get("refuse_form") or ReasonForm(prefix="refuse")
    if grant and grant.status == Grant.Status.ACTIVE and sides["provider"]:
        context["revoke_form"] = forms.get("revoke_form") or ReasonForm(prefix="revoke")
    return context


@require_perm_page(permissions.SHARING_VIEW_RESOURCE)
@require_http_methods(["GET", "POST"])
def request_detail(request, number):
    try:
        share_request = selectors.access_request(request.user, number)
    except DomainError as exc:
        return _error_page(request, exc)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                form = ApproveForm(
                    request.POST,
                    share_request=share_request,
                    initial_masking={},
                )
                forms["approve_form"] = form
                if form.is_valid():
                    data = form.cleaned_data
                    share_requests.approve_request(
                        actor=request.user,
                        share_request=share_request,
                        reason=data["reason"],
                        terms=share_requests.Terms(
                            row_scope=data["row_scope"],
                            row_division=data["row_division"],
                            masking=form.masking(),
                            rate_limit_per_minute=data["rate_limit_per_minute"],
                            expires_on=data["expires_on"],
                            require_reference=data["require_reference"],
                        ),
                    )
                    messages.success(request, _("已同意共享，授权已生效。"))
                    return redirect("sharing_workbench:request_detail", number=number)
            elif action == "refuse":
                form = forms["refuse_form"] = ReasonForm(request.POST, prefix="refuse")
                if form.is_valid():
                    share_requests.refuse_request(
                        actor=request.user,
                        share_request=share_request,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("已拒绝该申请，理由已告知申请部门。"))
                    return redirect("sharing_workbench:request_detail", number=number)
            elif action == "withdraw":
                share_requests.withdraw_request(actor=request.user, share_request=share_request)
                messages.success(request, _("申请已撤回。"))
                return redirect("sharing_workbench:request_detail", number=number)
            elif action == "revoke":
                form = forms["revoke_form"] = ReasonForm(request.POST, prefix="revoke")
                if form.is_valid():
                    share_requests.revoke_grant(
                        actor=request.user,
                        grant=share_request.grant,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("授权已撤销。"))
                    return redirect("sharing_workbench:request_detail", number=number)
        except DomainError as exc:
            target = {
                "approve": "approve_form",
                "refuse": "refuse_form",
                "revoke": "revoke_form",
            }.get(action)
            if target and target in forms:
                exc.add_to_form(forms[target])
            else:
                messages.error(request, exc.message)
        share_request.refresh_from_db()
    return render(
        request, "sharing/request_detail.html", _detail_context(request, share_request, **forms)
    )


@require_perm_page(permissions.SHARING_MANAGE_RESOURCE)
@require_http_methods(["GET", "POST"])
def resource_create(request):
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            resource = catalogue.register_resource(actor=request.user, **data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("资源已登记：%(code)s") % {"code": resource.code})
            return redirect("sharing_catalogue:detail", code=resource.code)
    return render(request, "sharing/resource_form.html", {"form": form})


@require_perm_page(permissions.SHARING_VIEW_ACCESS_LOG)
def access_log(request):
    code = request.GET.get("resource", "")[:64]
    entries = selectors.access_log_for(request.user, resource_code=code)
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    context = {"page": page, "rows": selectors.usage_rows(page.object_list), "resource_code": code}
    return render(request, "sharing/access_log.html", context)
