"""The Q&A assistant's actions: ask, give feedback, hand a question over to a person.

* ``ask`` checks the question (empty → ``question_empty``, longer than
  ``SERVICEDESK_QA_MAX_QUESTION`` characters → ``question_too_long``) and the per-client rate
  limit (``SERVICEDESK_QA_RATE_LIMIT`` questions per ``SERVICEDESK_QA_RATE_WINDOW`` seconds →
  ``qa_rate_limited``, 429) *before* anything is written; then ranks (``qa.engine``) and logs
  the answer (``AnswerLog``). The rate limit counts the client's logged answers in the
  database (like identity's login limits), so it holds across app processes; the client is
  identified by a keyed SM3 hash of its IP address (``core.middleware.client_ip``).
* ``give_feedback`` records "useful / not useful" once per answer and moves the answer boost
  of the item for questions with the same signature by ``±SERVICEDESK_QA_BOOST_STEP``,
  bounded by ``±SERVICEDESK_QA_MAX_BOOST``; audited (``servicedesk.answer_feedback_recorded``).
* ``purge_answer_logs`` deletes question logs older than ``SERVICEDESK_QA_LOG_DAYS`` (the
  worker's daily task ``tasks_knowledge.purge_answer_logs``).
* ``hand_off`` files a consultation work order through the 12345 contract
  (``services.workorders.create_work_order``, channel ``chat``) once per answer; audited
  (``servicedesk.answer_handed_off``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tongban.catalog.models import ServiceItem
from tongban.core import audit
from tongban.core.crypto import sm3
from tongban.core.masking import mask_text
from tongban.servicedesk.errors_knowledge import MESSAGES, error
from tongban.servicedesk.errors_knowledge import KnowledgeError as E
from tongban.servicedesk.models import AnswerBoost, AnswerLog
from tongban.servicedesk.qa import engine
from tongban.servicedesk.qa.text import normalise, signature

CHANNELS = ("web", "widget", "api")
QUESTION_FIELD_MAX = 500  # AnswerLog.question


def max_question_length() -> int:
    return min(int(getattr(settings, "SERVICEDESK_QA_MAX_QUESTION", 200)), QUESTION_FIELD_MAX)


def rate_limit() -> tuple[int, int]:
    """(questions, seconds) allowed per client."""
    return (
        int(getattr(settings, "SERVICEDESK_QA_RATE_LIMIT", 30)),
        int(getattr(settings, "SERVICEDESK_QA_RATE_WINDOW", 60)),
    )


def log_retention_days() -> int:
    return int(getattr(settings, "SERVICEDESK_QA_LOG_DAYS", 180))


def boost_bounds() -> tuple[float, float]:
    """(step per feedback, maximum |weight|)."""
    return (
        float(getattr(settings, "SERVICEDESK_QA_BOOST_STEP", 0.1)),
        float(getattr(settings, "SERVICEDESK_QA_MAX_BOOST", 0.5)),
    )


@dataclass
class Answer:
    log: AnswerLog
    ranking: engine.Ranking

    @property
    def offer_human(self) -> bool:
        return not self.ranking.answered

    @property
    def ask_back_prompt(self) -> str:
        if not self.ranking.ask_back:
            return ""
        names = " / ".join(doc.name for doc in self.ranking.ask_back)
        return gettext("您想办理的是：%(choices)s？") % {"choices": names}


def clean_question(question: str) -> str:
    """The normalised question, or ``question_empty`` / ``question_too_long``."""
    text = normalise(question)
    if not text:
        raise error(E.QUESTION_EMPTY, field="q")
    limit = max_question_length()
    if len(text) > limit:
        raise error(
            E.QUESTION_TOO_LONG,
            field="q",
            message=MESSAGES[E.QUESTION_TOO_LONG] % {"limit": limit},
        )
    return text


def client_key(ip: str) -> str:
    """A keyed hash of the client's address: enough to count, useless to identify."""
    key = sm3.digest(("servicedesk.qa:" + settings.SECRET_KEY).encode())
    return sm3.hmac(key, (ip or "-").encode()).hex()


def _check_rate(key: str) -> None:
    limit, window = rate_limit()
    since = timezone.now() - timedelta(seconds=window)
    if AnswerLog.objects.filter(client_key=key, created_at__gte=since).count() >= limit:
        raise error(E.QA_RATE_LIMITED)


def boosts_for(question_signature: str) -> dict[int, float]:
    return dict(
        AnswerBoost.objects.filter(signature=question_signature).values_list("item_id", "weight")
    )


def ask(question: str, *, user=None, ip: str = "", channel: str = "web") -> Answer:
    """Answer ``question`` (see the module doc); raises before logging on bad input."""
    text = clean_question(question)
    key = client_key(ip)
    _check_rate(key)
    stored = mask_text(text)  # people type ID numbers and mobiles into chat boxes
    question_signature = signature(stored)
    ranking = engine.rank(text, boosts=boosts_for(question_signature))
    log = AnswerLog.objects.create(
        question=stored,
        signature=question_signature,
        client_key=key,
        user=user if getattr(user, "is_authenticated", False) else None,
        channel=channel if channel in CHANNELS else "web",
        item_keys=[ranked.doc.key for ranked in ranking.items],
        faq_ids=[hit.doc.faq_id for hit in ranking.faqs],
        asked_back=bool(ranking.ask_back),
        answered=ranking.answered,
    )
    return Answer(log=log, ranking=ranking)


def get_answer(answer_id) -> AnswerLog:
    log = AnswerLog.objects.filter(public_id=answer_id).first() if _uuid_like(answer_id) else None
    if log is None:
        raise error(E.ANSWER_NOT_FOUND)
    return log


def _uuid_like(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else "anonymous"


def give_feedback(*, actor, answer_id, useful: bool, item_key: str = "") -> AnswerLog:
    """Record feedback once for an answer and adjust the boost of the item it concerns
    (``item_key``: one of the items shown; default the first)."""
    log = get_answer(answer_id)
    item_key = (item_key or "").strip()
    if item_key and item_key not in log.item_keys:
        raise error(E.FEEDBACK_ITEM_NOT_SHOWN, field="item")
    item_key = item_key or (log.item_keys[0] if log.item_keys else "")
    verdict = AnswerLog.Feedback.USEFUL if useful else AnswerLog.Feedback.NOT_USEFUL
    with transaction.atomic():
        claimed = AnswerLog.objects.filter(pk=log.pk, feedback=AnswerLog.Feedback.NONE).update(
            feedback=verdict, feedback_item_key=item_key, feedback_at=timezone.now()
        )
        if claimed != 1:
            raise error(E.FEEDBACK_ALREADY_GIVEN)
        log.refresh_from_db()
        change = _adjust_boost(log.signature, item_key, useful) if item_key else None
        audit.record(
            "servicedesk.answer_feedback_recorded",
            actor=_actor(actor),
            target=log,
            data={
                "feedback": verdict,
                "item": item_key,
                "signature": log.signature,
                "boost": change,
            },
        )
    return log


def _adjust_boost(question_signature: str, item_key: str, useful: bool) -> dict | None:
    item = ServiceItem.objects.filter(key=item_key).first()
    if item is None or not question_signature:
        return None
    step, bound = boost_bounds()
    AnswerBoost.objects.get_or_create(signature=question_signature, item=item)
    boost = AnswerBoost.objects.select_for_update().get(signature=question_signature, item=item)
    old = boost.weight
    boost.weight = max(-bound, min(bound, old + (step if useful else -step)))
    if useful:
        boost.useful_count += 1
    else:
        boost.not_useful_count += 1
    boost.updated_at = timezone.now()
    boost.save()
    return {"old": f"{old:+.2f}", "new": f"{boost.weight:+.2f}"}


def hand_off(
    *,
    actor,
    answer_id,
    contact_name: str = "",
    contact_mobile: str = "",
    division_code: str = "",
    ip: str = "",
):
    """Hand the question of an answer to a person: a consultation work order (12345) filed
    through the work-order service, once per answer. Returns the work order."""
    from tongban.servicedesk.services.workorders import create_work_order

    log = get_answer(answer_id)
    signed_in = getattr(actor, "is_authenticated", False)
    contact_name = (contact_name or "").strip()[:50] or (
        getattr(actor, "name", "") if signed_in else ""
    )
    contact_mobile = (contact_mobile or "").strip() or (
        getattr(actor, "mobile", "") if signed_in else ""
    )
    if not signed_in and (not contact_name or not contact_mobile):
        raise error(E.CONTACT_REQUIRED, field="contact_mobile" if contact_name else "contact_name")
    names = dict(ServiceItem.objects.filter(key__in=log.item_keys).values_list("key", "name"))
    shown = "、".join(names[key] for key in log.item_keys if key in names)
    content = log.question
    if shown:
        content += "\n\n" + f"（智能问答已推荐：{shown}；群众希望人工解答）"
    with transaction.atomic():
        claimed = AnswerLog.objects.filter(pk=log.pk, work_order_ref="").update(
            work_order_ref="pending"
        )
        if claimed != 1:
            raise error(E.HANDOFF_ALREADY_DONE)
        order = create_work_order(
            actor=actor if signed_in else None,
            kind="consultation",
            channel="chat",
            title=f"智能问答转人工：{log.question[:20]}",
            content=content,
            contact_name=contact_name,
            contact_mobile=contact_mobile,
            division_code=division_code,
            source_ref=f"qa:{log.public_id}",
            ip=ip or None,
        )
        reference = str(getattr(order, "number", "") or getattr(order, "pk", ""))[:64]
        AnswerLog.objects.filter(pk=log.pk).update(work_order_ref=reference)
        audit.record(
            "servicedesk.answer_handed_off",
            actor=_actor(actor),
            target=log,
            data={"work_order": reference, "signature": log.signature},
        )
    return order


def purge_answer_logs(*, now=None) -> int:
    """Delete question logs older than ``SERVICEDESK_QA_LOG_DAYS`` (a data-minimisation
    sweep run by the worker; not audited row by row). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=log_retention_days())
    deleted, _ = AnswerLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
