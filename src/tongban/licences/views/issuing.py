"""Console pages for issuing licences by hand and in batch (staff with
``licences.issue_licence``). The issuer list holds only the departments where the user may
issue; the issuing service checks the permission again, signs and audits."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods

from tongban.core import permissions
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.licences.forms_issuing import ImportForm, IssueForm
from tongban.licences.models import Licence, LicenceType
from tongban.licences.permissions import LICENCES_ISSUE_LICENCE
from tongban.licences.services import issuing

issue_licences = permissions.require_perm_page(LICENCES_ISSUE_LICENCE)


def _issuers(user):
    return (
        permissions.units_for(user, LICENCES_ISSUE_LICENCE)
        .filter(kind=OrgUnit.Kind.DEPARTMENT)
        .select_related("parent")
        .order_by("code")
    )


def _active_type(key) -> LicenceType:
    return get_object_or_404(LicenceType, key=key, is_active=True)


@require_GET
@issue_licences
def issue_start(request):
    types = LicenceType.objects.filter(is_active=True).order_by("department_name", "code")
    return render(request, "licences/console_issue_start.html", {"types": types})


@require_http_methods(["GET", "POST"])
@issue_licences
def issue_form(request, key):
    licence_type = _active_type(key)
    form = IssueForm(
        request.POST or None, licence_type=licence_type, issuers=_issuers(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            licence = issuing.issue_licence(
                licence_type=licence_type,
                issuer=data["issuer"],
                holder_type=licence_type.holder_type,
                holder_name=data["holder_name"],
                holder_code=data["holder_code"],
                fields=form.licence_fields(),
                valid_from=data["valid_from"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _t("电子证照已签发。"))
            return redirect("licences_console:issue_done", pk=licence.pk)
    return render(
        request,
        "licences/console_issue_form.html",
        {"licence_type": licence_type, "form": form},
    )


@require_GET
@issue_licences
def issue_done(request, pk):
    licence = permissions.access_object(
        Licence.objects.select_related("licence_type", "issuer__parent"),
        request.user,
        LICENCES_ISSUE_LICENCE,
        pk=pk,
    )
    return render(request, "licences/console_issue_done.html", {"licence": licence})


@require_http_methods(["GET", "POST"])
@issue_licences
def issue_import(request, key):
    licence_type = _active_type(key)
    form = ImportForm(request.POST or None, request.FILES or None, issuers=_issuers(request.user))
    report = None
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["confirm"] and not form.cleaned_data.get("file")
        try:
            report = issuing.import_licences_csv(
                form.cleaned_data["data"],
                licence_type=licence_type,
                issuer=form.cleaned_data["issuer"],
                actor=request.user,
                dry_run=not confirm,
            )
        except DomainError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
        else:
            if confirm and report.imported:
                messages.success(
                    request,
                    _t("已导入 %(n)d 份电子证照。") % {"n": report.imported},
                )
                return redirect("licences_console:issue_start")
    return render(
        request,
        "licences/console_issue_import.html",
        {
            "licence_type": licence_type,
            "form": form,
            "report": report,
            "preview": report.rows[:20] if report else [],
            "content": form.cleaned_data.get("content", "")
            if form.is_bound and form.is_valid()
            else "",
        },
    )
