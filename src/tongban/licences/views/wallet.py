"""The licence wallet pages (我的证照, mounted at /my/licences/): list, detail with versions,
download, sharing and the usage log.

Reads go through ``tongban.licences.selectors`` (``access_licence`` is the gate: another
person's licence is a 404 and nothing is recorded); writes through the sharing and
rendering services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.qr import qr_svg
from tongban.licences import selectors
from tongban.licences.forms_wallet import ShareForm
from tongban.licences.models import Licence
from tongban.licences.responses import pdf_filename, pdf_response
from tongban.licences.services import rendering, sharing

STATUS_BADGE = {
    Licence.Status.VALID: "ok",
    Licence.Status.SUSPENDED: "warn",
    Licence.Status.REVOKED: "bad",
    Licence.Status.EXPIRED: "bad",
    Licence.Status.SUPERSEDED: "",
}
USAGE_PREVIEW = 20


def licence_card(licence) -> dict:
    status = selectors.effective_status(licence)
    return {
        "licence": licence,
        "status": status,
        "status_label": selectors.status_label(status),
        "badge": STATUS_BADGE.get(status, ""),
        "url": reverse("wallet:licence_detail", args=[licence.identifier]),
    }


@require_GET
@login_required
def licence_list(request):
    personal = [licence_card(lic) for lic in selectors.wallet_of(request.user)]
    companies = [
        dict(row, cards=[licence_card(lic) for lic in row["licences"]])
        for row in selectors.wallet_companies(request.user)
    ]
    return render(
        request,
        "licences/wallet_list.html",
        {"personal": personal, "companies": companies},
    )


def _detail_context(request, licence, *, form=None) -> dict:
    relation = licence.viewer_relation
    holder_side = relation != selectors.STAFF
    now = None
    shares = []
    usages = []
    if holder_side:
        from django.utils import timezone

        now = timezone.now()
        for share in selectors.shares_of(licence)[:20]:
            state = selectors.share_state(share, now)
            url = sharing.share_url(share)
            shares.append(
                {
                    "share": share,
                    "state": state,
                    "url": url,
                    "qr": qr_svg(url) if state == "active" else "",
                }
            )
        usages = list(selectors.usages_of(licence)[:USAGE_PREVIEW])
    versions = [licence_card(v) for v in selectors.history_of(licence)]
    return {
        "card": licence_card(licence),
        "licence": licence,
        "rows": selectors.display_rows(request.user, licence),
        "holder_code": selectors.display_holder_code(request.user, licence),
        "pii_visible": selectors.pii_visible(request.user, licence),
        "relation": relation,
        "holder_side": holder_side,
        "versions": versions,
        "shares": shares,
        "usages": usages,
        "can_share": holder_side and selectors.is_usable(licence),
        "form": form or ShareForm(),
    }


@require_GET
@login_required
def licence_detail(request, identifier):
    licence = selectors.access_licence(request.user, identifier, selectors.VIEW)
    return render(request, "licences/wallet_detail.html", _detail_context(request, licence))


@require_GET
@login_required
def licence_pdf(request, identifier):
    licence = selectors.access_licence(request.user, identifier, selectors.DOWNLOAD)
    data = rendering.download_pdf(licence, actor=request.user)
    return pdf_response(data, pdf_filename(licence))


@require_POST
@login_required
def share_create(request, identifier):
    licence = selectors.access_licence(request.user, identifier, selectors.SHARE)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            sharing.create_share(
                licence,
                actor=request.user,
                purpose=form.cleaned_data["purpose"],
                hours=form.cleaned_data["hours"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已生成分享链接，请将链接或二维码发给对方。"))
            return redirect(reverse("wallet:licence_detail", args=[licence.identifier]) + "#shares")
    return render(
        request,
        "licences/wallet_detail.html",
        _detail_context(request, licence, form=form),
        status=400,
    )


@require_POST
@login_required
def share_revoke(request, pk):
    share = sharing.access_share(request.user, pk)
    try:
        sharing.revoke_share(share, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("分享链接已撤销，对方将无法再查看。"))
    return redirect(reverse("wallet:licence_detail", args=[share.licence.identifier]) + "#shares")


@require_GET
@login_required
def usage_list(request, identifier):
    licence = selectors.access_licence(request.user, identifier, selectors.USAGES)
    page = Paginator(selectors.usages_of(licence), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "licences/wallet_usages.html",
        {"licence": licence, "card": licence_card(licence), "page": page},
    )
