"""Console pages for licence types (部门管理员 / 运维人员 with ``licences.manage_licence_type``):
list the types of their departments, edit a type's field schema, activate/deactivate.
Types of other departments are "not found" (404)."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.licences.forms_issuing import FieldSchemaForm
from tongban.licences.permissions import LICENCES_MANAGE_TYPES
from tongban.licences.services import types as type_services

manage_types = permissions.require_perm_page(LICENCES_MANAGE_TYPES)


@require_GET
@manage_types
def type_list(request):
    items = list(type_services.manageable_types(request.user).order_by("department_name", "code"))
    return render(request, "licences/console_type_list.html", {"types": items})


@require_http_methods(["GET", "POST"])
@manage_types
def type_detail(request, key):
    licence_type = type_services.access_type(request.user, key)
    initial = {"schema_json": json.dumps(licence_type.field_schema, ensure_ascii=False, indent=2)}
    form = FieldSchemaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_field_schema(
                licence_type, form.cleaned_data["schema_json"], actor=request.user
            )
        except DomainError as exc:
            form.add_error("schema_json", exc.message)
        else:
            messages.success(request, _t("照面信息项已保存。"))
            return redirect("licences_console:type_detail", key=licence_type.key)
    return render(
        request,
        "licences/console_type_detail.html",
        {"licence_type": licence_type, "form": form},
    )


@require_POST
@manage_types
def type_toggle(request, key):
    licence_type = type_services.access_type(request.user, key)
    active = request.POST.get("active") == "1"
    type_services.set_type_active(licence_type, active, actor=request.user)
    messages.success(request, _t("证照类型已启用。") if active else _t("证照类型已停用。"))
    return redirect("licences_console:type_detail", key=licence_type.key)
