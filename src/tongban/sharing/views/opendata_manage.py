"""Provider and operator pages of uploaded datasets and the open data portal
(``/opendata/manage/``).

* 部门管理员 (``sharing.import_dataset``): upload CSV/XLSX versions of their department's
  dataset-backed resources, follow the import's progress bar, read rejected rows, download
  every version (all items); publish/withdraw (``sharing.publish_dataset``).
* 平台运营 (``sharing.manage_negative_list``): the 不予开放 list.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.models import ImportJob, NegativeListEntry, OpenDataset, Resource
from tongban.sharing.permissions_opendata import (
    SHARING_IMPORT_DATASET,
    SHARING_MANAGE_NEGATIVE_LIST,
    SHARING_PUBLISH_DATASET,
)
from tongban.sharing.services import datasets, imports, opendata
from tongban.sharing.views.opendata_downloads import download_response


def _manageable(user):
    """Dataset-backed resources the user may import into or publish."""
    importable = permissions.restrict(Resource.objects.all(), user, SHARING_IMPORT_DATASET)
    publishable = permissions.restrict(Resource.objects.all(), user, SHARING_PUBLISH_DATASET)
    return (
        Resource.objects.filter(
            Q(pk__in=importable.values("pk")) | Q(pk__in=publishable.values("pk"))
        )
        .filter(backing=Resource.Backing.DATASET)
        .select_related("provider__parent")
        .order_by("code")
    )


def _resource(user, code: str) -> Resource:
    resource = _manageable(user).filter(code=code).first()
    if resource is None:
        raise error(OpenDataError.RESOURCE_NOT_FOUND)
    return resource


def _may_manage(view):
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not (
            permissions.has_perm(user, SHARING_IMPORT_DATASET)
            or permissions.has_perm(user, SHARING_PUBLISH_DATASET)
            or permissions.has_perm(user, SHARING_MANAGE_NEGATIVE_LIST)
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_t("您没有执行此操作的权限。"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@_may_manage
def manage_home(request):
    resources = list(_manageable(request.user))
    open_sets = {d.resource_id: d for d in OpenDataset.objects.filter(resource__in=resources)}
    rows = []
    for resource in resources:
        rows.append(
            {
                "resource": resource,
                "current": datasets.current_version(resource),
                "dataset": open_sets.get(resource.pk),
            }
        )
    return render(
        request,
        "sharing/opendata_manage.html",
        {
            "rows": rows,
            "may_manage_negative_list": permissions.has_perm(
                request.user, SHARING_MANAGE_NEGATIVE_LIST
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@_may_manage
def manage_resource(request, code):
    resource = _resource(request.user, code)
    form_error = None
    if request.method == "POST":
        try:
            job = imports.start_import(
                resource,
                upload=request.FILES.get("file"),
                note=request.POST.get("note", ""),
                actor=request.user,
            )
        except DomainError as exc:
            form_error = exc
        else:
            return redirect("sharing_opendata:manage_job", pk=job.pk)
    return _resource_page(request, resource, form_error=form_error)


def _resource_page(request, resource, *, form_error=None, publish_error=None, status=200):
    dataset = OpenDataset.objects.filter(resource=resource).first()
    problem = opendata.publish_problem(resource)
    return render(
        request,
        "sharing/opendata_manage_resource.html",
        {
            "resource": resource,
            "items": list(resource.items.all()),
            "versions": list(datasets.accepted_versions(resource)),
            "jobs": list(ImportJob.objects.filter(resource=resource)[:10]),
            "dataset": dataset,
            "usage": opendata.usage_totals(dataset) if dataset else None,
            "problem": error(problem).message if problem else "",
            "form_error": form_error,
            "publish_error": publish_error,
            "may_import": permissions.has_perm_in(
                request.user, SHARING_IMPORT_DATASET, resource.provider
            ),
            "may_publish": permissions.has_perm_in(
                request.user, SHARING_PUBLISH_DATASET, resource.provider
            ),
            "max_mb": imports.max_upload_bytes() // (1024 * 1024),
        },
        status=form_error.status if form_error else status,
    )


@require_POST
@_may_manage
def manage_publish(request, code):
    resource = _resource(request.user, code)
    try:
        if request.POST.get("action") == "withdraw":
            dataset = OpenDataset.objects.filter(resource=resource).first()
            if dataset is None:
                raise error(OpenDataError.NOT_PUBLISHED)
            opendata.withdraw_dataset(
                dataset, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _t("数据集已撤回。"))
        else:
            tags = [
                t for t in request.POST.get("tags", "").replace("，", ",").split(",") if t.strip()
            ]
            dataset = opendata.publish_dataset(resource, actor=request.user, tags=tags)
            messages.success(request, _t("数据集已在开放数据门户发布。"))
    except DomainError as exc:
        return _resource_page(request, resource, publish_error=exc, status=exc.status)
    return redirect("sharing_opendata:manage_resource", code=resource.code)


@require_GET
@_may_manage
def manage_job(request, pk):
    job = permissions.access_object(
        ImportJob.objects.select_related("resource", "version"),
        request.user,
        SHARING_IMPORT_DATASET,
        pk=pk,
    )
    template = (
        "sharing/partials/_opendata_job.html"
        if request.htmx
        else "sharing/opendata_manage_job.html"
    )
    return render(request, template, {"job": job})


@require_GET
@_may_manage
def manage_download(request, code, number, fmt):
    resource = _resource(request.user, code)
    if not permissions.has_perm_in(request.user, SHARING_IMPORT_DATASET, resource.provider):
        raise error(OpenDataError.RESOURCE_NOT_FOUND)
    version = datasets.get_version(resource, number)
    return download_response(
        version, version.columns, fmt, basename=f"{resource.code}-v{number}-full"
    )


@require_http_methods(["GET", "POST"])
@permissions.require_perm_page(SHARING_MANAGE_NEGATIVE_LIST)
def negative_list(request):
    form_error = None
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        resource = Resource.objects.filter(code=code).first()
        try:
            if resource is None:
                raise error(OpenDataError.RESOURCE_NOT_FOUND, field="code")
            if request.POST.get("action") == "remove":
                opendata.remove_from_negative_list(resource, actor=request.user)
                messages.success(request, _t("已移出不予开放清单。"))
            else:
                opendata.add_to_negative_list(
                    resource,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    legal_basis=request.POST.get("legal_basis", ""),
                )
                messages.success(request, _t("已列入不予开放清单。"))
        except DomainError as exc:
            form_error = exc
        else:
            return redirect("sharing_opendata:negative_list")
    entries = NegativeListEntry.objects.select_related("resource__provider__parent")
    return render(
        request,
        "sharing/opendata_negative_list.html",
        {"entries": entries, "form_error": form_error, "posted": request.POST},
        status=form_error.status if form_error else 200,
    )
