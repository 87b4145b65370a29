"""The resource catalogue pages (/data/): search with filters, a resource's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.sharing import permissions, selectors
from tongban.sharing.services import catalogue
from tongban.sharing.views.forms import ResourceSearchForm


@require_perm_page(permissions.SHARING_VIEW_RESOURCE)
def resource_list(request):
    form = ResourceSearchForm(request.GET or None, providers=selectors.providers_with_resources())
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.search_resources(
        request.user,
        q=filters.get("q", ""),
        provider=filters.get("provider"),
        classification=filters.get("classification", ""),
        share_type=filters.get("share_type", ""),
    ).prefetch_related("items")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "querystring": params.urlencode()}
    if request.htmx:
        return render(request, "sharing/partials/_resource_results.html", context)
    return render(request, "sharing/catalogue_list.html", context)


@require_perm_page(permissions.SHARING_VIEW_RESOURCE)
def resource_detail(request, code):
    try:
        resource = selectors.access_resource(request.user, code)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    context = {
        "resource": resource,
        "items": list(resource.items.all()),
        "can_request": selectors.can_request(request.user, resource),
        "can_manage": selectors.can_manage(request.user, resource),
    }
    return render(request, "sharing/catalogue_detail.html", context)


@require_perm_page(permissions.SHARING_MANAGE_RESOURCE)
@require_POST
def resource_status(request, code):
    """Publish a draft (or retired) resource, or retire a published one."""
    try:
        resource = selectors.access_resource(request.user, code)
        if not selectors.can_manage(request.user, resource):
            raise DjangoPermissionDenied(_("您没有执行此操作的权限。"))
        if request.POST.get("action") == "publish":
            catalogue.publish_resource(actor=request.user, resource=resource)
            messages.success(request, _("资源已发布。"))
        elif request.POST.get("action") == "retire":
            catalogue.retire_resource(actor=request.user, resource=resource)
            messages.success(request, _("资源已停用：不能再申请，已有授权的调用也会被拒绝。"))
    except DomainError as exc:
        if exc.status == 404:
            return render(request, "sharing/error.html", {"error": exc}, status=404)
        messages.error(request, exc.message)
    return redirect("sharing_catalogue:detail", code=code)
