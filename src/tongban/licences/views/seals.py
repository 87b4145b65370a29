"""Console pages for electronic seals (部门管理员 with ``licences.manage_seal``).

Every page goes through ``access_seal`` (404 outside the user's departments); the seals
service does the work, checks the permission again and writes the audit events.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core import permissions, signing
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.models import OrgUnit
from tongban.licences.forms_seals import SealCreateForm, SealRenewForm, SealStatusForm
from tongban.licences.models import Seal, SealKey
from tongban.licences.permissions import LICENCES_MANAGE_SEAL
from tongban.licences.seal_image import seal_svg
from tongban.licences.services import seals as seal_service

manage_seals = permissions.require_perm_page(LICENCES_MANAGE_SEAL)


def seals_for(user):
    return permissions.restrict(Seal.objects.all(), user, LICENCES_MANAGE_SEAL).select_related(
        "org_unit__parent"
    )


def access_seal(user, esid: str) -> Seal:
    return permissions.access_object(seals_for(user), user, LICENCES_MANAGE_SEAL, esid=esid)


def _departments(user):
    return list(
        permissions.units_for(user, LICENCES_MANAGE_SEAL)
        .filter(kind=OrgUnit.Kind.DEPARTMENT)
        .select_related("parent")
        .order_by("code")
    )


@require_GET
@manage_seals
def seal_list(request):
    items = list(seals_for(request.user).order_by("org_unit__code", "-created_at"))
    for seal in items:
        seal.svg = seal_svg(seal)
    return render(request, "licences/console_seals.html", {"seals": items})


@require_http_methods(["GET", "POST"])
@manage_seals
def seal_create(request):
    form = SealCreateForm(request.POST or None, units=_departments(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            seal = seal_service.create_seal(
                form.cleaned_data["org_unit"],
                actor=request.user,
                name=form.cleaned_data["name"] or None,
                valid_to=form.cleaned_data["valid_to"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("电子印章已制发。"))
            return redirect("licences_console:seal_detail", esid=seal.esid)
    return render(request, "licences/console_seal_create.html", {"form": form})


def _detail_context(seal, status_form=None):
    keys = list(SealKey.objects.filter(seal=seal).order_by("-created_at", "-pk"))
    for key in keys:
        key.info = signing.parse_seal_certificate(bytes(key.certificate_der))
        key.certificate_ok = signing.verify_seal_certificate(bytes(key.certificate_der))
    return {
        "seal": seal,
        "svg": seal_svg(seal),
        "keys": keys,
        "active_key": next((key for key in keys if key.is_active), None),
        "status_form": status_form or SealStatusForm(),
        "renew_form": SealRenewForm(initial={"valid_to": seal.valid_to}),
    }


@require_GET
@manage_seals
def seal_detail(request, esid: str):
    seal = access_seal(request.user, esid)
    return render(request, "licences/console_seal_detail.html", _detail_context(seal))


@require_POST
@manage_seals
def seal_status(request, esid: str):
    seal = access_seal(request.user, esid)
    form = SealStatusForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        service = {
            "suspend": seal_service.suspend_seal,
            "reactivate": seal_service.reactivate_seal,
            "revoke": seal_service.revoke_seal,
        }[action]
        try:
            service(seal, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            done = {
                "suspend": _t("印章已暂停使用。"),
                "reactivate": _t("印章已恢复使用。"),
                "revoke": _t("印章已注销。"),
            }[action]
            messages.success(request, done)
            return redirect("licences_console:seal_detail", esid=seal.esid)
    return render(
        request, "licences/console_seal_detail.html", _detail_context(seal, form), status=400
    )


@require_POST
@manage_seals
def seal_rotate(request, esid: str):
    seal = access_seal(request.user, esid)
    try:
        seal_service.rotate_seal_key(seal, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _t("已更换印章密钥；旧密钥签署的证照仍可验证。"))
    return redirect("licences_console:seal_detail", esid=seal.esid)


@require_POST
@manage_seals
def seal_renew(request, esid: str):
    seal = access_seal(request.user, esid)
    form = SealRenewForm(request.POST)
    if form.is_valid():
        try:
            seal_service.renew_seal(
                seal, actor=request.user, valid_to=form.cleaned_data["valid_to"]
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("印章有效期已变更，并签发了新的印章证书。"))
            return redirect("licences_console:seal_detail", esid=seal.esid)
    context = _detail_context(seal)
    context["renew_form"] = form
    return render(request, "licences/console_seal_detail.html", context, status=400)


@require_GET
@manage_seals
def seal_image(request, esid: str):
    seal = access_seal(request.user, esid)
    return HttpResponse(seal_svg(seal), content_type="image/svg+xml; charset=utf-8")


@require_GET
@manage_seals
def seal_key_pem(request, esid: str, fingerprint: str):
    seal = access_seal(request.user, esid)
    key = SealKey.objects.filter(seal=seal, fingerprint=fingerprint).first()
    if key is None:
        raise NotFound(permissions.Errors.NOT_FOUND, _t("未找到该记录，或您无权查看。"))
    response = HttpResponse(key.public_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = (
        f'attachment; filename="seal-{seal.esid}-{fingerprint[:16]}.pem"'
    )
    return response


@require_GET
@manage_seals
def seal_certificate_der(request, esid: str, fingerprint: str):
    seal = access_seal(request.user, esid)
    key = SealKey.objects.filter(seal=seal, fingerprint=fingerprint).first()
    if key is None:
        raise NotFound(permissions.Errors.NOT_FOUND, _t("未找到该记录，或您无权查看。"))
    response = HttpResponse(bytes(key.certificate_der), content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="seal-{seal.esid}-{fingerprint[:16]}.der"'
    )
    return response
