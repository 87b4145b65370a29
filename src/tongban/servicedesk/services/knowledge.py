"""The knowledge base's FAQ entries, maintained by departments (``servicedesk.manage_faq``).

Department admins keep their unit's entries (within their org-unit reach), the platform
operator all of them. Entries are created, edited and retired (active → retired, never
deleted); each change is audited in the same transaction (``servicedesk.faq_created`` /
``faq_updated`` with old and new values / ``faq_retired``) and moves ``updated_at``, which the
assistant's index reads to rebuild itself (``qa.index.current_token``).

Reads for the console: ``manageable_faqs(user)`` and ``access_faq(user, pk)`` (404 outside the
user's reach, so other units' entries do not leak).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tongban.catalog.models import ServiceItem
from tongban.core import audit
from tongban.core.models import OrgUnit
from tongban.core.permissions import has_perm_in, restrict, units_for
from tongban.servicedesk.errors_knowledge import KnowledgeError as E
from tongban.servicedesk.errors_knowledge import error
from tongban.servicedesk.models import FaqEntry
from tongban.servicedesk.permissions_knowledge import SERVICEDESK_MANAGE_FAQ

QUESTION_MAX = 100
ALTERNATIVES_MAX = 1000
ANSWER_MAX = 2000


# --- reads -----------------------------------------------------------------------------------
def manageable_faqs(user) -> QuerySet[FaqEntry]:
    return restrict(FaqEntry.objects.all(), user, SERVICEDESK_MANAGE_FAQ).select_related(
        "org_unit", "org_unit__parent"
    )


def access_faq(user, pk) -> FaqEntry:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise error(E.FAQ_NOT_FOUND) from None
    entry = manageable_faqs(user).filter(pk=pk).first()
    if entry is None:
        raise error(E.FAQ_NOT_FOUND)
    return entry


def faq_units(user) -> QuerySet[OrgUnit]:
    """Units the user may keep FAQ entries for: departments and the province/city units."""
    return (
        units_for(user, SERVICEDESK_MANAGE_FAQ)
        .filter(kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY])
        .select_related("parent")
        .order_by("code")
    )


# --- writes ----------------------------------------------------------------------------------
def _clean(question: str, alternatives: str, answer: str) -> tuple[str, str, str]:
    question = (question or "").strip()
    answer = (answer or "").strip()
    lines = [line.strip() for line in (alternatives or "").splitlines() if line.strip()]
    alternatives = "\n".join(dict.fromkeys(lines))
    if not question:
        raise error(E.FAQ_QUESTION_REQUIRED, field="question")
    if not answer:
        raise error(E.FAQ_ANSWER_REQUIRED, field="answer")
    if len(question) > QUESTION_MAX:
        raise error(E.FAQ_TEXT_TOO_LONG, field="question")
    if len(alternatives) > ALTERNATIVES_MAX:
        raise error(E.FAQ_TEXT_TOO_LONG, field="alternatives")
    if len(answer) > ANSWER_MAX:
        raise error(E.FAQ_TEXT_TOO_LONG, field="answer")
    return question, alternatives, answer


def _items(item_keys) -> list[ServiceItem]:
    keys = list(dict.fromkeys(k.strip() for k in item_keys or [] if k and k.strip()))
    items = list(
        ServiceItem.objects.filter(
            key__in=keys, current_version__isnull=False, is_withdrawn=False
        ).order_by("name")
    )
    if len(items) != len(keys):
        raise error(E.FAQ_ITEM_UNKNOWN, field="items")
    return items


def _snapshot(entry: FaqEntry) -> dict:
    return {
        "question": entry.question,
        "alternatives": entry.alternative_list(),
        "answer": entry.answer,
        "items": sorted(entry.items.values_list("key", flat=True)),
    }


def create_faq(
    *, actor, org_unit: OrgUnit, question: str, answer: str, alternatives: str = "", item_keys=()
) -> FaqEntry:
    question, alternatives, answer = _clean(question, alternatives, answer)
    if not has_perm_in(actor, SERVICEDESK_MANAGE_FAQ, org_unit):
        raise error(E.FAQ_UNIT_NOT_ALLOWED, field="org_unit")
    items = _items(item_keys)
    with transaction.atomic():
        now = timezone.now()
        entry = FaqEntry.objects.create(
            org_unit=org_unit,
            question=question,
            alternatives=alternatives,
            answer=answer,
            created_by=actor,
            updated_by=actor,
            created_at=now,
            updated_at=now,
        )
        entry.items.set(items)
        audit.record(
            "servicedesk.faq_created", actor=actor, target=entry, data={"new": _snapshot(entry)}
        )
    return entry


def update_faq(
    *, actor, faq: FaqEntry, question: str, answer: str, alternatives: str = "", item_keys=()
) -> FaqEntry:
    question, alternatives, answer = _clean(question, alternatives, answer)
    items = _items(item_keys)
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().get(pk=faq.pk)
        if not has_perm_in(actor, SERVICEDESK_MANAGE_FAQ, entry.org_unit):
            raise error(E.FAQ_NOT_FOUND)
        if entry.status != FaqEntry.Status.ACTIVE:
            raise error(E.FAQ_RETIRED)
        old = _snapshot(entry)
        entry.question, entry.alternatives, entry.answer = question, alternatives, answer
        entry.updated_by = actor
        entry.updated_at = timezone.now()
        entry.save()
        entry.items.set(items)
        new = _snapshot(entry)
        changed = {key: {"old": old[key], "new": new[key]} for key in new if old[key] != new[key]}
        audit.record("servicedesk.faq_updated", actor=actor, target=entry, data=changed)
    return entry


def retire_faq(*, actor, faq: FaqEntry) -> FaqEntry:
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().get(pk=faq.pk)
        if not has_perm_in(actor, SERVICEDESK_MANAGE_FAQ, entry.org_unit):
            raise error(E.FAQ_NOT_FOUND)
        if not entry.can_become(FaqEntry.Status.RETIRED):
            raise error(E.FAQ_RETIRED)
        now = timezone.now()
        entry.status = FaqEntry.Status.RETIRED
        entry.retired_at = now
        entry.updated_at = now
        entry.updated_by = actor
        entry.save(update_fields=["status", "retired_at", "updated_at", "updated_by"])
        audit.record(
            "servicedesk.faq_retired",
            actor=actor,
            target=entry,
            data={"old": FaqEntry.Status.ACTIVE, "new": FaqEntry.Status.RETIRED},
        )
    return entry
