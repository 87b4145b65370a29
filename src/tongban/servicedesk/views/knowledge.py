"""Knowledge-base console (/console/knowledge/) for department admins and the platform
operator (``servicedesk.manage_faq``): their FAQ entries (create, edit, retire) and the
recent questions the assistant could not answer or that were marked "not useful" — the
questions worth an FAQ entry.

Entries outside the user's reach answer 404; every change goes through
``tongban.servicedesk.services.knowledge`` (audited there).
"""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.permissions import require_perm_page
from tongban.servicedesk.forms_knowledge import FaqForm
from tongban.servicedesk.models import AnswerLog, FaqEntry
from tongban.servicedesk.permissions_knowledge import SERVICEDESK_MANAGE_FAQ
from tongban.servicedesk.services import knowledge

manage_faq = require_perm_page(SERVICEDESK_MANAGE_FAQ)
PAGE_SIZE = 30
UNRESOLVED_DAYS = 30
UNRESOLVED_SHOWN = 20


@manage_faq
def faq_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status") or FaqEntry.Status.ACTIVE
    entries = knowledge.manageable_faqs(request.user).prefetch_related("items")
    if status in FaqEntry.Status.values:
        entries = entries.filter(status=status)
    if q:
        entries = entries.filter(Q(question__icontains=q) | Q(alternatives__icontains=q))
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    total = entries.count()
    since = timezone.now() - timedelta(days=UNRESOLVED_DAYS)
    unresolved = (
        AnswerLog.objects.filter(created_at__gte=since)
        .filter(Q(answered=False) | Q(feedback=AnswerLog.Feedback.NOT_USEFUL))
        .values_list("question", "created_at", "feedback")[:UNRESOLVED_SHOWN]
    )
    context = {
        "entries": list(entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
        "q": q,
        "status": status,
        "statuses": FaqEntry.Status.choices,
        "total": total,
        "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        "unresolved": list(unresolved),
        "unresolved_days": UNRESOLVED_DAYS,
    }
    return render(request, "servicedesk/knowledge_list.html", context)


@manage_faq
@require_http_methods(["GET", "POST"])
def faq_create(request):
    form = FaqForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = knowledge.create_faq(
                actor=request.user,
                org_unit=data["org_unit"],
                question=data["question"],
                alternatives=data["alternatives"],
                answer=data["answer"],
                item_keys=data["items"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("常见问题已发布，智能问答即时生效。"))
            return redirect("servicedesk_knowledge_console:faq_edit", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "servicedesk/knowledge_form.html", {"form": form, "entry": None}, status=status
    )


@manage_faq
@require_http_methods(["GET", "POST"])
def faq_edit(request, pk: int):
    entry = knowledge.access_faq(request.user, pk)
    initial = {
        "question": entry.question,
        "alternatives": entry.alternatives,
        "answer": entry.answer,
        "items": list(entry.items.values_list("key", flat=True)),
    }
    form = FaqForm(request.POST or None, initial=initial, fixed_unit=entry.org_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            knowledge.update_faq(
                actor=request.user,
                faq=entry,
                question=data["question"],
                alternatives=data["alternatives"],
                answer=data["answer"],
                item_keys=data["items"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _t("常见问题已更新。"))
            return redirect("servicedesk_knowledge_console:faq_edit", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "servicedesk/knowledge_form.html", {"form": form, "entry": entry}, status=status
    )


@manage_faq
@require_POST
def faq_retire(request, pk: int):
    entry = knowledge.access_faq(request.user, pk)
    try:
        knowledge.retire_faq(actor=request.user, faq=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _t("常见问题已停用，智能问答不再使用它。"))
    return redirect("servicedesk_knowledge_console:faq_list")
