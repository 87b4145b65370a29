"""The Q&A assistant's pages (/help/) and the chat widget's endpoints.

* ``help_page`` — ``GET /help/?q=…``: the full page (question box, the answer when asked); for
  HTMX the answer partial only, appended to the conversation (page and portal widget).
* ``answer_feedback`` — ``POST``: useful / not useful, once per answer.
* ``answer_human`` — ``GET`` the contact form, ``POST`` hand the question to a person (a 12345
  consultation work order).

Anyone may ask (anonymous included); every action goes through
``tongban.servicedesk.services.answers``. Refusals (empty or long question, rate limit...) are
shown where the answer would be: as the partial (status 200, so HTMX swaps it in) or on the
full page with their HTTP status.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.middleware import client_ip
from tongban.servicedesk.services import answers

PARTIAL_ANSWER = "servicedesk/partials/_help_answer.html"


def _error_response(request, exc: DomainError, *, template: str, context: dict):
    context = {**context, "error": exc}
    if request.htmx:
        return render(request, "servicedesk/partials/_help_error.html", context)
    return render(request, template, context, status=exc.status)


@require_GET
def help_page(request):
    question = request.GET.get("q")
    context = {"question": question or "", "answer": None}
    if question is None:
        return render(request, "servicedesk/help.html", context)
    channel = "widget" if request.GET.get("via") == "widget" else "web"
    try:
        answer = answers.ask(question, user=request.user, ip=client_ip(request), channel=channel)
    except DomainError as exc:
        return _error_response(request, exc, template="servicedesk/help.html", context=context)
    context["answer"] = answer
    template = PARTIAL_ANSWER if request.htmx else "servicedesk/help.html"
    return render(request, template, context)


@require_POST
def answer_feedback(request, answer_id):
    useful = request.POST.get("useful") == "1"
    context = {"answer_id": answer_id, "useful": useful}
    try:
        log = answers.give_feedback(
            actor=request.user,
            answer_id=answer_id,
            useful=useful,
            item_key=request.POST.get("item", ""),
        )
    except DomainError as exc:
        if request.htmx:
            return render(request, "servicedesk/partials/_help_error.html", {"error": exc})
        messages.error(request, exc.message)
        return redirect("servicedesk_help:help")
    context["log"] = log
    if request.htmx:
        return render(request, "servicedesk/partials/_help_feedback.html", context)
    messages.success(request, _t("谢谢您的评价！"))
    return redirect("servicedesk_help:help")


@require_http_methods(["GET", "POST"])
def answer_human(request, answer_id):
    log = answers.get_answer(answer_id)
    signed_in = request.user.is_authenticated
    context = {
        "log": log,
        "signed_in": signed_in,
        "contact_name": request.POST.get("contact_name", ""),
        "contact_mobile": request.POST.get("contact_mobile", ""),
    }
    template = (
        "servicedesk/partials/_help_human.html" if request.htmx else "servicedesk/help_human.html"
    )
    if request.method == "GET":
        return render(request, template, context)
    try:
        order = answers.hand_off(
            actor=request.user,
            answer_id=answer_id,
            contact_name=request.POST.get("contact_name", ""),
            contact_mobile=request.POST.get("contact_mobile", ""),
            ip=client_ip(request),
        )
    except DomainError as exc:
        context["error"] = exc
        return render(request, template, context, status=200 if request.htmx else exc.status)
    context["order"] = order
    context["reference"] = str(getattr(order, "number", "") or getattr(order, "pk", ""))
    return render(request, template, context)
