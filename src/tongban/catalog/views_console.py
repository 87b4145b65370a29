"""Console pages for department admins (``catalog.manage_item``): their items, versions
(draft → submit → publish), withdrawal, and their implementations' local limits.

Items and implementations outside the admin's reach answer 404 (see ``selectors``); every
change goes through ``tongban.catalog.services`` (audited there).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from tongban.catalog import selectors, services
from tongban.catalog.errors import Errors
from tongban.catalog.forms import (
    LimitsForm,
    MaterialForm,
    ProcessForm,
    ReasonForm,
    VersionForm,
    process_as_text,
)
from tongban.catalog.models import ItemVersion, Material
from tongban.catalog.shared_data import licence_type_names
from tongban.core import permissions
from tongban.core.exceptions import DomainError, NotFound

manage_items = permissions.require_perm_page(permissions.CATALOG_MANAGE_ITEM)
PAGE_SIZE = 50


def _item_url(item) -> str:
    return reverse("catalog_console:item_detail", args=[item.key])


def _version_url(version) -> str:
    return reverse("catalog_console:version_edit", args=[version.item.key, version.number])


def _version(request, key: str, number: int) -> ItemVersion:
    item = selectors.access_manageable_item(request.user, key)
    version = item.versions.filter(number=number).select_related("item").first()
    if version is None:
        raise NotFound(Errors.NOT_FOUND, _t("未找到该版本。"))
    return version


@manage_items
def item_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    items = selectors.manageable_items(request.user).select_related("current_version")
    if q:
        items = items.filter(name__icontains=q)
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    total = items.count()
    rows = list(items.order_by("name")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    open_versions = dict(
        ItemVersion.objects.filter(
            item__in=rows, status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED]
        ).values_list("item_id", "status")
    )
    context = {
        "rows": [(item, open_versions.get(item.pk)) for item in rows],
        "q": q,
        "total": total,
        "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
    }
    return render(request, "catalog/console/item_list.html", context)


@manage_items
def item_detail(request, key: str):
    item = selectors.access_manageable_item(request.user, key)
    context = {
        "item": item,
        "versions": item.versions.order_by("-number"),
        "open_version": selectors.open_version(item),
        "implementations": selectors.manageable_implementations(request.user, item),
        "reason_form": ReasonForm(),
    }
    return render(request, "catalog/console/item_detail.html", context)


@require_POST
@manage_items
def draft_create(request, key: str):
    item = selectors.access_manageable_item(request.user, key)
    try:
        draft = services.create_draft(
            item, actor=request.user, change_note=request.POST.get("change_note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_item_url(item))
    messages.success(request, _t("已新建草稿 v%(n)d。") % {"n": draft.number})
    return redirect(_version_url(draft))


@require_http_methods(["GET", "POST"])
@manage_items
def version_edit(request, key: str, number: int):
    version = _version(request, key, number)
    editable = version.status == ItemVersion.Status.DRAFT
    licences = licence_type_names()
    fields = list(VersionForm.base_fields)
    form = VersionForm(initial={name: getattr(version, name) for name in fields})
    status = 200
    if request.method == "POST" and editable:
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                services.update_version(version, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _t("已保存。"))
                return redirect(_version_url(version))
        status = 400
    elif request.method == "POST":
        raise DomainError(Errors.VERSION_NOT_EDITABLE, _t("只能修改草稿版本。"))
    version = selectors.version_with_details(version)
    context = {
        "item": version.item,
        "version": version,
        "editable": editable,
        "form": form,
        "material_form": MaterialForm(licence_types=licences),
        "process_form": ProcessForm(initial={"process": process_as_text(version)}),
        "licences": licences,
    }
    return render(request, "catalog/console/version.html", context, status=status)


def _apply(request, change, success: str) -> bool:
    """Call ``change()`` (one service call); flash its refusal, or ``success`` when it went
    through. Returns whether it went through."""
    try:
        change()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@require_POST
@manage_items
def material_add(request, key: str, number: int):
    version = _version(request, key, number)
    form = MaterialForm(request.POST, licence_types=licence_type_names())
    if not form.is_valid():
        messages.error(request, _t("材料信息不完整：%(e)s") % {"e": form.errors.as_text()})
        return redirect(_version_url(version))
    _apply(
        request,
        lambda: services.add_material(version, actor=request.user, **form.cleaned_data),
        _t("已添加材料。"),
    )
    return redirect(_version_url(version))


@require_POST
@manage_items
def material_remove(request, key: str, number: int, material_id: int):
    version = _version(request, key, number)
    material = get_object_or_404(Material, pk=material_id, version=version)
    _apply(
        request, lambda: services.remove_material(material, actor=request.user), _t("已删除材料。")
    )
    return redirect(_version_url(version))


@require_POST
@manage_items
def process_edit(request, key: str, number: int):
    version = _version(request, key, number)
    form = ProcessForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("process", [])))
        return redirect(_version_url(version))
    _apply(
        request,
        lambda: services.set_process(version, form.cleaned_data["process"], actor=request.user),
        _t("已保存办理流程。"),
    )
    return redirect(_version_url(version))


VERSION_ACTIONS = {
    "submit": (services.submit_version, "已提交，待发布。"),
    "return": (services.return_version, "已退回为草稿。"),
    "publish": (services.publish_version, "已发布，办事指南已更新。"),
    "discard": (services.discard_draft, "已删除草稿。"),
}


@require_POST
@manage_items
def version_action(request, key: str, number: int, action: str):
    version = _version(request, key, number)
    if action not in VERSION_ACTIONS:
        raise NotFound(Errors.NOT_FOUND, _t("未知操作。"))
    function, done = VERSION_ACTIONS[action]
    applied = _apply(request, lambda: function(version, actor=request.user), _t(done))
    if applied and action in ("publish", "discard"):
        return redirect(_item_url(version.item))
    return redirect(_version_url(version))


@require_POST
@manage_items
def item_withdraw(request, key: str):
    item = selectors.access_manageable_item(request.user, key)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _apply(
        request,
        lambda: services.withdraw_item(item, actor=request.user, reason=reason),
        _t("已停止受理该事项；已受理的办件继续办理。"),
    )
    return redirect(_item_url(item))


@require_POST
@manage_items
def item_restore(request, key: str):
    item = selectors.access_manageable_item(request.user, key)
    _apply(request, lambda: services.restore_item(item, actor=request.user), _t("已恢复受理。"))
    return redirect(_item_url(item))


@require_http_methods(["GET", "POST"])
@manage_items
def implementation_edit(request, pk: int):
    impl = selectors.access_manageable_implementation(request.user, pk)
    form = LimitsForm(initial={"legal_days": impl.legal_days, "promised_days": impl.promised_days})
    status = 200
    if request.method == "POST":
        form = LimitsForm(request.POST)
        if form.is_valid():
            try:
                services.update_implementation_limits(impl, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _t("已保存办结时限。"))
                return redirect(_item_url(impl.item))
        status = 400
    context = {"impl": impl, "item": impl.item, "form": form}
    return render(request, "catalog/console/implementation.html", context, status=status)
