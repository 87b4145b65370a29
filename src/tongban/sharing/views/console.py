"""Platform operator pages (/console/sharing/): escalated requests (协调、仲裁) and the access
log chain check."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.permissions import CORE_VERIFY_AUDIT, require_perm_page
from tongban.sharing import permissions, selectors
from tongban.sharing.services import access_log
from tongban.sharing.services import requests as share_requests
from tongban.sharing.views.forms import ArbitrateForm


@require_perm_page(permissions.SHARING_ARBITRATE_SHARE)
def home(request):
    context = {"escalated": selectors.escalated_requests(request.user)}
    return render(request, "sharing/console_home.html", context)


@require_perm_page(permissions.SHARING_ARBITRATE_SHARE)
@require_http_methods(["GET", "POST"])
def arbitrate(request, number):
    try:
        share_request = selectors.access_request(request.user, number)
    except DomainError as exc:
        return render(request, "sharing/error.html", {"error": exc}, status=exc.status)
    form = ArbitrateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share_requests.arbitrate_request(
                actor=request.user,
                share_request=share_request,
                grant=form.cleaned_data["decision"] == "grant",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("仲裁决定已记录，双方可见。"))
            return redirect("sharing_console:home")
    names = {i.key: i.name for i in share_request.resource.items.all()}
    context = {
        "r": share_request,
        "form": form,
        "item_names": [names.get(k, k) for k in share_request.items],
    }
    return render(request, "sharing/console_arbitrate.html", context)


@require_perm_page(CORE_VERIFY_AUDIT)
@require_POST
def verify_log(request):
    result = access_log.verify_chain()
    if result.ok:
        messages.success(request, _("共享调用日志链完整：共 %(n)s 条记录。") % {"n": result.count})
    else:
        messages.error(request, _("共享调用日志链校验失败：%(m)s") % {"m": result.message})
    return redirect("sharing_console:home")
