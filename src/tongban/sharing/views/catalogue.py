"""The resource catalogue pages (/data/): search with filters, a resource's page."""

from django.core.paginator import Paginator
from django.shortcuts import render

from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.sharing import permissions, selectors
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
    context = {"form": form, "page": page}
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
