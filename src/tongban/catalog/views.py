"""Portal pages of the catalogue: search (/services/) and the guide page of an item."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tongban.catalog import search, selectors, services
from tongban.catalog.errors import Errors
from tongban.catalog.forms import SearchForm
from tongban.catalog.models import Implementation, ServiceItem
from tongban.catalog.ratings import item_rating
from tongban.catalog.shared_data import licence_type_names
from tongban.core.exceptions import NotFound

PAGE_SIZE = 20


@require_GET
def service_search(request):
    form = SearchForm(
        request.GET or None,
        departments=selectors.department_names(),
        regions=selectors.region_choices(),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    ids = search.search(
        filters.get("q", ""),
        audience=filters.get("audience", ""),
        department=filters.get("department", ""),
        division=filters.get("division", ""),
        zero_visit=filters.get("zero_visit", False),
        online=filters.get("online", False),
    )
    page = filters.get("page") or 1
    pages = max(1, (len(ids) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, pages)
    page_ids = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    by_id = ServiceItem.objects.select_related("current_version").in_bulk(page_ids)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "items": [by_id[pk] for pk in page_ids if pk in by_id],
        "count": len(ids),
        "page": page,
        "pages": pages,
        "query_string": query.urlencode(),
        "searched": bool(filters.get("q")),
    }
    template = "catalog/partials/_results.html" if request.htmx else "catalog/search.html"
    return render(request, template, context)


@require_GET
def service_detail(request, key: str):
    item = selectors.get_published_item(key)
    version = selectors.version_with_details(item.current_version)
    licences = licence_type_names()
    context = {
        "item": item,
        "version": version,
        "materials": [
            (material, licences.get(material.licence_type_key, ""))
            for material in version.materials.all()
        ],
        "outputs": [licences.get(key, key) for key in version.outputs],
        "regions": selectors.implementations_by_city(item),
        "rating": item_rating(item),
        "themes": list(item.themes.all()),
    }
    return render(request, "catalog/detail.html", context)


@require_GET
def service_apply(request, key: str):
    """The region picker's target: on to the application of the chosen implementation."""
    item = selectors.get_published_item(key)
    try:
        implementation = item.implementations.select_related("item").get(
            pk=int(request.GET.get("implementation") or 0)
        )
    except (ValueError, Implementation.DoesNotExist):
        raise NotFound(Errors.NOT_FOUND, _("请选择办理地区。")) from None
    services.require_open_for_application(implementation)
    return redirect(selectors.apply_url(implementation.pk))
