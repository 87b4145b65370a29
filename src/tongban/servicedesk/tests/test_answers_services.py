# ruff: noqa: F811  (fixtures imported from qa_support are used as arguments)
"""The assistant's actions: ask (checks before anything is written, rate limit, the log),
feedback (once, bounded boosts, audited) and the hand-off to a person (a 12345 work order)."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.errors_knowledge import KnowledgeError as E
from tongban.servicedesk.models import AnswerBoost, AnswerLog, WorkOrder
from tongban.servicedesk.services import answers
from tongban.servicedesk.tests.qa_support import catalogue, state  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_ask_ranks_the_item_and_logs_the_answer(catalogue):
    answer = answers.ask("身份证过期了怎么办", ip="203.0.113.5")
    assert answer.ranking.items[0].doc.name == "居民身份证换领"
    log = AnswerLog.objects.get()
    assert log == answer.log
    assert log.item_keys[0] == "id-card-renewal"
    assert log.signature == "身份证 过期"
    assert log.client_key and "203.0.113.5" not in log.client_key


@pytest.mark.parametrize(
    ("question", "code"),
    [("", E.QUESTION_EMPTY), ("   \u3000 ", E.QUESTION_EMPTY), ("问" * 201, E.QUESTION_TOO_LONG)],
)
def test_empty_or_oversized_questions_are_refused_and_nothing_is_logged(catalogue, question, code):
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.ask(question, ip="203.0.113.5")
    assert caught.value.code == code
    assert caught.value.field == "q"
    assert state() == before


def test_the_length_limit_is_a_setting(catalogue, settings):
    settings.SERVICEDESK_QA_MAX_QUESTION = 10
    with pytest.raises(DomainError) as caught:
        answers.ask("我想问一下身份证过期了怎么办", ip="203.0.113.5")
    assert caught.value.code == E.QUESTION_TOO_LONG
    assert "10" in caught.value.message


def test_rate_limit_per_client(catalogue, settings):
    settings.SERVICEDESK_QA_RATE_LIMIT = 3
    for _ in range(3):
        answers.ask("结婚", ip="203.0.113.5")
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.ask("离婚", ip="203.0.113.5")
    assert (caught.value.code, caught.value.status) == (E.QA_RATE_LIMITED, 429)
    assert state() == before
    answers.ask("离婚", ip="203.0.113.6")  # another client is not affected
    assert AnswerLog.objects.count() == 4


def test_id_numbers_and_mobiles_are_masked_in_the_log(catalogue):
    answers.ask("我的身份证440106199001011235过期了，电话13800138000", ip="203.0.113.5")
    log = AnswerLog.objects.get()
    assert "440106199001011235" not in log.question
    assert "13800138000" not in log.question
    assert log.item_keys[0] == "id-card-renewal"


def test_nothing_found_offers_a_person(catalogue):
    answer = answers.ask("今天天气怎么样", ip="203.0.113.5")
    assert answer.ranking.items == []
    assert answer.offer_human
    assert AnswerLog.objects.get().item_keys == []


def test_ambiguous_question_asks_back(catalogue):
    answer = answers.ask("户口", ip="203.0.113.5")
    choices = [doc.name for doc in answer.ranking.ask_back]
    assert 2 <= len(choices) <= 3
    assert answer.ask_back_prompt.startswith("您想办理的是：")
    assert all(name in answer.ask_back_prompt for name in choices)
    assert AnswerLog.objects.get().asked_back


# --- feedback --------------------------------------------------------------------------------
def test_useful_feedback_boosts_the_item_for_similar_questions(catalogue, citizen):
    answer = answers.ask("社保", ip="203.0.113.5")
    second = answer.ranking.items[1].doc
    log = answers.give_feedback(
        actor=citizen, answer_id=answer.log.public_id, useful=True, item_key=second.key
    )
    assert log.feedback == AnswerLog.Feedback.USEFUL
    boost = AnswerBoost.objects.get()
    assert (boost.signature, boost.item.key) == ("社保", second.key)
    assert boost.weight == pytest.approx(0.1)
    event = AuditEvent.objects.get(event_type="servicedesk.answer_feedback_recorded")
    assert event.actor == citizen
    assert event.data["boost"] == {"old": "+0.00", "new": "+0.10"}
    # the same words asked differently see the boost
    again = answers.ask("社保？", ip="203.0.113.5")
    score = {r.doc.key: r.score for r in again.ranking.items}
    assert score[second.key] > {r.doc.key: r.score for r in answer.ranking.items}[second.key]


def test_boosts_are_bounded_and_can_reorder_answers(catalogue, settings):
    settings.SERVICEDESK_QA_BOOST_STEP = 0.3
    settings.SERVICEDESK_QA_MAX_BOOST = 0.5
    first = answers.ask("户口", ip="203.0.113.5").ranking.items[0].doc.key
    for n in range(4):
        answer = answers.ask("户口", ip=f"203.0.113.{10 + n}")
        answers.give_feedback(
            actor=None, answer_id=answer.log.public_id, useful=False, item_key=first
        )
    boost = AnswerBoost.objects.get(item__key=first)
    assert boost.weight == -0.5  # never beyond the bound
    assert boost.not_useful_count == 4
    assert answers.ask("户口", ip="203.0.113.99").ranking.items[0].doc.key != first
    events = AuditEvent.objects.filter(event_type="servicedesk.answer_feedback_recorded")
    assert events.count() == 4
    assert events.first().actor_name == "anonymous"


def test_feedback_only_once(catalogue):
    answer = answers.ask("结婚", ip="203.0.113.5")
    answers.give_feedback(actor=None, answer_id=answer.log.public_id, useful=True)
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.give_feedback(actor=None, answer_id=answer.log.public_id, useful=False)
    assert (caught.value.code, caught.value.status) == (E.FEEDBACK_ALREADY_GIVEN, 409)
    assert state() == before


@pytest.mark.parametrize(
    ("answer_id", "item", "code"),
    [
        ("not-a-uuid", "", E.ANSWER_NOT_FOUND),
        ("00000000-0000-4000-8000-000000000000", "", E.ANSWER_NOT_FOUND),
        (None, "lawyer-licence", E.FEEDBACK_ITEM_NOT_SHOWN),
    ],
)
def test_bad_feedback_changes_nothing(catalogue, answer_id, item, code):
    answer = answers.ask("结婚", ip="203.0.113.5")
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.give_feedback(
            actor=None, answer_id=answer_id or answer.log.public_id, useful=True, item_key=item
        )
    assert caught.value.code == code
    assert state() == before


# --- hand-off to a person ----------------------------------------------------------------------
def test_hand_off_files_a_consultation_work_order(catalogue, guangzhou):
    answer = answers.ask("身份证过期了怎么办", ip="203.0.113.5")
    order = answers.hand_off(
        actor=None,
        answer_id=answer.log.public_id,
        contact_name="王芳",
        contact_mobile="13700137000",
        ip="203.0.113.5",
    )
    assert isinstance(order, WorkOrder)
    assert (order.kind, order.channel) == ("consultation", "chat")
    assert "身份证过期了怎么办" in order.content and "居民身份证换领" in order.content
    assert order.source_ref == f"qa:{answer.log.public_id}"
    answer.log.refresh_from_db()
    assert answer.log.work_order_ref == order.number
    event = AuditEvent.objects.get(event_type="servicedesk.answer_handed_off")
    assert event.data["work_order"] == order.number


def test_signed_in_citizen_hands_off_with_the_account_contact(catalogue, guangzhou, citizen):
    answer = answers.ask("结婚", user=citizen, ip="203.0.113.5")
    order = answers.hand_off(actor=citizen, answer_id=answer.log.public_id)
    assert order.contact_mobile == citizen.mobile


def test_hand_off_once_and_needs_a_contact(catalogue, guangzhou):
    answer = answers.ask("结婚", ip="203.0.113.5")
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.hand_off(actor=None, answer_id=answer.log.public_id, contact_name="王芳")
    assert (caught.value.code, caught.value.field) == (E.CONTACT_REQUIRED, "contact_mobile")
    assert state() == before and not WorkOrder.objects.exists()
    answers.hand_off(
        actor=None,
        answer_id=answer.log.public_id,
        contact_name="王芳",
        contact_mobile="13700137000",
    )
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.hand_off(
            actor=None,
            answer_id=answer.log.public_id,
            contact_name="王芳",
            contact_mobile="13700137000",
        )
    assert caught.value.code == E.HANDOFF_ALREADY_DONE
    assert state() == before and WorkOrder.objects.count() == 1


def test_a_refused_work_order_leaves_the_answer_open(catalogue, guangzhou):
    answer = answers.ask("结婚", ip="203.0.113.5")
    before = state()
    with pytest.raises(DomainError) as caught:
        answers.hand_off(
            actor=None, answer_id=answer.log.public_id, contact_name="王芳", contact_mobile="123"
        )
    assert caught.value.code == "invalid_mobile"  # the work-order service's code passes through
    assert state() == before


def test_old_question_logs_are_purged(catalogue, settings):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.servicedesk.tasks_knowledge import purge_answer_logs

    settings.SERVICEDESK_QA_LOG_DAYS = 30
    old = answers.ask("结婚", ip="203.0.113.5").log
    recent = answers.ask("离婚", ip="203.0.113.5").log
    AnswerLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert purge_answer_logs.enqueue().return_value == 1
    assert list(AnswerLog.objects.all()) == [recent]
