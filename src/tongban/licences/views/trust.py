"""Console pages: the trust list (运维人员, ``licences.manage_trust``) and the status of a
licence — revoke, suspend, reinstate (签发机构 staff; ``licences.issue_licence`` to act).

The services check the permissions again and write the audit events.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core import masking, permissions
from tongban.core.exceptions import DomainError
from tongban.licences.models import Licence
from tongban.licences.permissions import (
    LICENCES_ISSUE_LICENCE,
    LICENCES_MANAGE_TRUST,
    LICENCES_VIEW_LICENCE,
)
from tongban.licences.services import revocation, trust, verification


class TrustedIssuerForm(forms.Form):
    name = forms.CharField(label=_("签发机构名称"), max_length=200)
    issuer_code = forms.CharField(
        label=_("签发机构统一社会信用代码"),
        max_length=18,
        help_text=_("该机构签发的证照标识中的颁发机构代码。"),
    )
    public_pem = forms.CharField(
        label=_("SM2 公钥（PEM）"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("以 -----BEGIN PUBLIC KEY----- 开头。请通过可靠渠道核对公钥指纹。"),
    )


class LookupForm(forms.Form):
    identifier = forms.CharField(label=_("证照标识"), max_length=128)


class StatusForm(forms.Form):
    ACTIONS = (
        ("suspend", _("暂停")),
        ("reinstate", _("恢复")),
        ("revoke", _("撤销（不可恢复）")),
    )
    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


manage_trust = permissions.require_perm_page(LICENCES_MANAGE_TRUST)
view_licences = permissions.require_perm_page(LICENCES_VIEW_LICENCE)


# --- trust list ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@manage_trust
def trust_list(request):
    form = TrustedIssuerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issuer = trust.import_trusted_issuer(
                pem=form.cleaned_data["public_pem"],
                name=form.cleaned_data["name"],
                issuer_code=form.cleaned_data["issuer_code"],
                actor=request.user,
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("已加入信任列表：%(name)s") % {"name": issuer.name})
            return redirect("licences_console:trust_list")
    return render(
        request,
        "licences/console_trust.html",
        {"form": form, "issuers": list(trust.trusted_issuers())},
        status=400 if form.errors else 200,
    )


@require_POST
@manage_trust
def trust_toggle(request, pk: int):
    issuer = trust.get_trusted_issuer(pk)
    trust.set_trusted_issuer_active(issuer, active=not issuer.is_active, actor=request.user)
    messages.success(request, _t("信任状态已更新。"))
    return redirect("licences_console:trust_list")


# --- licence status ---------------------------------------------------------------------------
def _access_licence(user, identifier: str) -> Licence:
    return permissions.access_object(
        Licence.objects.select_related("licence_type", "issuer", "seal_key__seal"),
        user,
        LICENCES_VIEW_LICENCE,
        identifier=identifier,
    )


@require_GET
@view_licences
def status_lookup(request):
    form = LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        try:
            identifier = verification.clean_identifier(form.cleaned_data["identifier"])
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            return redirect("licences_console:licence_status", identifier=identifier)
    return render(request, "licences/console_licence_status.html", {"lookup": form})


@require_http_methods(["GET", "POST"])
@view_licences
def licence_status(request, identifier: str):
    licence = _access_licence(request.user, identifier)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = {
            "suspend": revocation.suspend_licence,
            "reinstate": revocation.reinstate_licence,
            "revoke": revocation.revoke_licence,
        }[form.cleaned_data["action"]]
        try:
            service(licence, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("证照状态已更新，已短信通知持证人。"))
            return redirect("licences_console:licence_status", identifier=licence.identifier)
    result = verification.verify_licence(licence)
    return render(
        request,
        "licences/console_licence_status.html",
        {
            "lookup": LookupForm(initial={"identifier": licence.identifier}),
            "licence": licence,
            "result": result,
            "status_reason": masking.mask_text(result.status_reason),
            "form": form,
            "can_change": permissions.has_perm_in(
                request.user, LICENCES_ISSUE_LICENCE, licence.issuer
            ),
        },
        status=400 if form.errors else 200,
    )
