"""Console pages: civil servant accounts. Mounted at /console/staff/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError, NotFound
from tongban.identity.forms_staff import RoleForm, RosterImportForm, StaffCreateForm
from tongban.identity.services import staff as staff_services


def _require_manager(request):
    if not staff_services.can_manage_staff(request.user):
        raise PermissionDenied(_("您没有管理工作人员账户的权限"))


def _access(request, username):
    _require_manager(request)
    try:
        return staff_services.access_staff(request.user, username)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _never_cache(response):
    add_never_cache_headers(response)  # pages showing a one-time password
    return response


@login_required
def staff_list(request):
    _require_manager(request)
    staff = staff_services.staff_visible_to(request.user).prefetch_related(
        "role_assignments__org_unit__parent"
    )
    query = request.GET.get("q", "").strip()
    if query:
        staff = staff.filter(Q(username__icontains=query) | Q(name__icontains=query))
    template = "console/staff_list_rows.html" if request.htmx else "console/staff_list.html"
    return render(request, template, {"staff": staff[:200], "q": query})


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    _require_manager(request)
    units = staff_services.managed_units(request.user)
    form = StaffCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = staff_services.create_staff(
                username=data["username"],
                name=data["name"],
                mobile=data["mobile"],
                id_number=data["id_number"] or None,
                password=data["password"] or None,
                roles=[
                    staff_services.RoleSpec(data["org_unit"], data["role"], data["covers_children"])
                ],
                actor=request.user,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            return _never_cache(
                render(request, "console/staff_created.html", {"created": [created]})
            )
    return render(
        request, "console/staff_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail(request, staff, role_form=None, status=200):
    units = staff_services.managed_units(request.user)
    return render(
        request,
        "console/staff_detail.html",
        {
            "staff": staff,
            "assignments": staff.role_assignments.select_related("org_unit", "org_unit__parent"),
            "role_form": role_form or RoleForm(units=units),
            "can_manage": staff.pk != request.user.pk
            and staff_services.can_manage_member(request.user, staff),
        },
        status=status,
    )


@login_required
def staff_detail(request, username):
    return _detail(request, _access(request, username))


@login_required
@require_POST
def role_add(request, username):
    staff = _access(request, username)
    form = RoleForm(request.POST, units=staff_services.managed_units(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            staff_services.assign_role(
                staff,
                staff_services.RoleSpec(data["org_unit"], data["role"], data["covers_children"]),
                actor=request.user,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已分配角色"))
            return redirect("staff:staff_detail", username=staff.username)
    return _detail(request, staff, role_form=form, status=400)


@login_required
@require_POST
def role_remove(request, username, assignment_id):
    staff = _access(request, username)
    try:
        staff_services.remove_role(staff, assignment_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除角色"))
    return redirect("staff:staff_detail", username=staff.username)


@login_required
@require_POST
def staff_deactivate(request, username):
    staff = _access(request, username)
    try:
        staff_services.deactivate_staff(staff, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用该账户"))
    return redirect("staff:staff_detail", username=staff.username)


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    _require_manager(request)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": staff_services.ROSTER_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        confirm = "confirm" in request.POST
        try:
            text = staff_services.roster_text(
                upload.read() if upload else form.cleaned_data["csv_text"]
            )
            result = staff_services.import_staff_roster(
                text, actor=request.user, dry_run=not confirm
            )
        except DomainError as exc:
            exc.add_to_form(form)
            return render(request, "console/staff_import.html", context, status=400)
        if confirm and result.ok:
            return _never_cache(
                render(
                    request,
                    "console/staff_created.html",
                    {"created": result.created, "imported": True},
                )
            )
        context.update(result=result, csv_text=text)
        return render(
            request, "console/staff_import.html", context, status=200 if result.ok else 400
        )
    return render(request, "console/staff_import.html", context, status=400 if form.errors else 200)
