"""The open data portal (开放数据, ``/opendata/``): search, dataset pages, chart, downloads.

Public pages; 有条件开放 datasets need a login for downloads. Views, downloads and API calls
are counted per dataset (``DatasetUsage``).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.sharing.models import DataItem, DatasetUsage, OpenDataset, Resource
from tongban.sharing.services import datasets, opendata
from tongban.sharing.views import opendata_chart
from tongban.sharing.views.opendata_downloads import download_response

PREVIEW_ROWS = 20


def _dataset_or_404(name: str) -> OpenDataset:
    try:
        return opendata.servable_dataset(name)
    except DomainError as exc:
        raise Http404(exc.message) from None


@require_GET
def portal(request):
    q = request.GET.get("q", "").strip()[:100]
    topic = request.GET.get("topic", "").strip()[:64]
    department = request.GET.get("department", "").strip()[:64]
    found = opendata.search_datasets(q=q, topic=topic, provider=department).order_by(
        "-published_at", "pk"
    )
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    served = opendata.served_datasets()
    context = {
        "q": q,
        "topic": topic,
        "department": department,
        "page": page,
        "topics": sorted(
            set(served.exclude(resource__topic="").values_list("resource__topic", flat=True))
        ),
        "departments": OrgUnit.objects.filter(pk__in=served.values("resource__provider"))
        .select_related("parent")
        .order_by("code"),
        "results": _with_usage(list(page.object_list)),
    }
    template = (
        "sharing/partials/_opendata_results.html"
        if request.htmx and not request.htmx.boosted
        else "sharing/opendata_portal.html"
    )
    return render(request, template, context)


def _with_usage(found: list[OpenDataset]) -> list[tuple[OpenDataset, dict]]:
    ids = [dataset.pk for dataset in found]
    totals: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    rows = DatasetUsage.objects.filter(dataset_id__in=ids).values_list(
        "dataset_id", "kind", "count"
    )
    for dataset_id, kind, count in rows:
        totals[dataset_id][kind] = totals[dataset_id].get(kind, 0) + count
    return [(dataset, totals[dataset.pk]) for dataset in found]


@require_GET
def dataset_detail(request, name):
    dataset = _dataset_or_404(name)
    resource = dataset.resource
    version = datasets.current_version(resource)
    columns = opendata.open_columns(resource, version)
    keys = [column["key"] for column in columns]
    needs_login = (
        resource.open_type == Resource.OpenType.CONDITIONAL and not request.user.is_authenticated
    )
    preview, total, chart = [], version.row_count if version else 0, None
    numeric = opendata_chart.numeric_columns(columns)
    if not needs_login:  # 有条件开放: rows (preview, chart) only after login
        preview, total = datasets.version_rows(version, limit=PREVIEW_ROWS, columns=keys)
        if numeric:
            data = opendata_chart.chart_data(version, columns, numeric[0]["key"])
            chart = {
                "svg": opendata_chart.render_svg(data),
                "title": data["title"],
                "key": numeric[0]["key"],
            }
    opendata.record_usage(dataset, DatasetUsage.Kind.VIEW)
    return render(
        request,
        "sharing/opendata_dataset.html",
        {
            "dataset": dataset,
            "resource": resource,
            "version": version,
            "versions": list(datasets.accepted_versions(resource)),
            "columns": columns,
            "column_types": {t.value: t.label for t in DataItem.Type},
            "preview": [[row.get(key) for key in keys] for row in preview],
            "total": total,
            "numeric": numeric,
            "chart": chart,
            "usage": opendata.usage_totals(dataset),
            "needs_login": needs_login,
            "formats": ["csv", "json", "xlsx"],
        },
    )


@require_GET
def dataset_chart(request, name):
    dataset = _dataset_or_404(name)
    opendata.require_data_access(dataset, request.user)
    version = datasets.current_version(dataset.resource)
    columns = opendata.open_columns(dataset.resource, version)
    numeric = opendata_chart.numeric_columns(columns)
    key = request.GET.get("column", "")
    if key not in [column["key"] for column in numeric]:
        raise Http404("no such numeric column")
    data = opendata_chart.chart_data(version, columns, key)
    chart = {"svg": opendata_chart.render_svg(data), "title": data["title"], "key": key}
    return render(
        request,
        "sharing/partials/_opendata_chart.html",
        {"dataset": dataset, "chart": chart, "numeric": numeric},
    )


@require_GET
def dataset_download(request, name, number, fmt):
    dataset = _dataset_or_404(name)
    opendata.require_data_access(dataset, request.user)
    version = opendata.version_of(dataset, number)
    columns = opendata.open_columns(dataset.resource, version)
    response = download_response(version, columns, fmt, basename=f"{dataset.name}-v{number}")
    opendata.record_usage(dataset, DatasetUsage.Kind.DOWNLOAD)
    return response
