# ruff: noqa: F811  (fixtures imported from qa_support are used as arguments)
"""FAQ entries kept by departments: services (reach, rules, audit) and the console pages; the
assistant's index follows every change."""

import pytest

from tongban.catalog import services as catalog_services
from tongban.catalog.models import ServiceItem
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.errors_knowledge import KnowledgeError as E
from tongban.servicedesk.models import FaqEntry
from tongban.servicedesk.qa import engine
from tongban.servicedesk.services import knowledge
from tongban.servicedesk.tests.qa_support import (  # noqa: F401  (fixtures)
    catalogue,
    gz_psb_dept,
    make_faq,
    psb_admin,
    state,
)

pytestmark = pytest.mark.django_db
CONSOLE = "/console/knowledge/"


def keys(question):
    return [ranked.doc.key for ranked in engine.rank(question).items]


# --- services ----------------------------------------------------------------------------------
def test_create_faq_is_audited_and_answers_at_once(catalogue, dept_admin, gz_market_dept):
    assert not engine.rank("门店装修完了下一步做什么").faqs
    entry = make_faq(
        dept_admin,
        gz_market_dept,
        question="门店装修完了下一步做什么？",
        alternatives="",
        answer="装修完成后申请食品经营许可证，现场核查通过即发证。",
        item_keys=["food-business-licence"],
    )
    event = AuditEvent.objects.get(event_type="servicedesk.faq_created")
    assert (event.actor, event.org_unit, event.target_id) == (
        dept_admin,
        gz_market_dept,
        str(entry.pk),
    )
    assert event.data["new"]["items"] == ["food-business-licence"]
    ranking = engine.rank("门店装修完了下一步做什么")
    assert ranking.faqs[0].doc.faq_id == entry.pk
    assert ranking.items[0].doc.key == "food-business-licence"


def test_update_and_retire(catalogue, dept_admin, gz_market_dept):
    entry = make_faq(dept_admin, gz_market_dept)
    knowledge.update_faq(
        actor=dept_admin,
        faq=entry,
        question=entry.question,
        alternatives="",
        answer="新的解答",
        item_keys=["food-business-licence"],
    )
    event = AuditEvent.objects.get(event_type="servicedesk.faq_updated")
    assert event.data["answer"]["new"] == "新的解答"
    assert event.data["items"]["old"] == ["food-business-licence", "sole-trader-registration"]
    assert "question" not in event.data  # only what changed
    assert engine.rank("开饭店要办哪些证").faqs[0].doc.answer == "新的解答"

    knowledge.retire_faq(actor=dept_admin, faq=entry)
    entry.refresh_from_db()
    assert entry.status == FaqEntry.Status.RETIRED and entry.retired_at
    assert AuditEvent.objects.filter(event_type="servicedesk.faq_retired").count() == 1
    assert not engine.rank("开饭店要办哪些证").faqs  # the index dropped it
    before = state()
    with pytest.raises(DomainError) as caught:
        knowledge.retire_faq(actor=dept_admin, faq=entry)
    assert (caught.value.code, caught.value.status) == (E.FAQ_RETIRED, 409)
    with pytest.raises(DomainError) as caught:
        knowledge.update_faq(actor=dept_admin, faq=entry, question="问", answer="答")
    assert caught.value.code == E.FAQ_RETIRED
    assert state() == before


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"question": " "}, E.FAQ_QUESTION_REQUIRED, "question"),
        ({"answer": ""}, E.FAQ_ANSWER_REQUIRED, "answer"),
        ({"question": "问" * 101}, E.FAQ_TEXT_TOO_LONG, "question"),
        ({"answer": "答" * 2001}, E.FAQ_TEXT_TOO_LONG, "answer"),
        (
            {"alternatives": "\n".join(f"说法{n}" for n in range(300))},
            E.FAQ_TEXT_TOO_LONG,
            "alternatives",
        ),
        ({"item_keys": ["no-such-item"]}, E.FAQ_ITEM_UNKNOWN, "items"),
    ],
)
def test_bad_input_changes_nothing(catalogue, dept_admin, gz_market_dept, values, code, field):
    before = state()
    with pytest.raises(DomainError) as caught:
        make_faq(dept_admin, gz_market_dept, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert state() == before


def test_withdrawn_items_cannot_be_linked_and_leave_the_answers(
    catalogue, dept_admin, gz_market_dept
):
    item = ServiceItem.objects.get(key="food-business-licence")
    assert "food-business-licence" in keys("开饭店食品经营许可证")
    catalog_services.withdraw_item(item, actor=dept_admin, reason="测试停止受理")
    assert "food-business-licence" not in keys("开饭店食品经营许可证")
    with pytest.raises(DomainError) as caught:
        make_faq(dept_admin, gz_market_dept)
    assert caught.value.code == E.FAQ_ITEM_UNKNOWN


def test_other_units_entries_are_out_of_reach(
    catalogue, dept_admin, gz_market_dept, psb_admin, gz_psb_dept, other_city_clerk
):
    entry = make_faq(psb_admin, gz_psb_dept, question="身份证过期了怎么办？", item_keys=[])
    before = state()
    with pytest.raises(DomainError) as caught:
        make_faq(dept_admin, gz_psb_dept)
    assert (caught.value.code, caught.value.status) == (E.FAQ_UNIT_NOT_ALLOWED, 403)
    with pytest.raises(DomainError) as caught:
        knowledge.update_faq(actor=dept_admin, faq=entry, question="改", answer="改")
    assert caught.value.code == E.FAQ_NOT_FOUND
    with pytest.raises(DomainError) as caught:
        knowledge.retire_faq(actor=dept_admin, faq=entry)
    assert caught.value.code == E.FAQ_NOT_FOUND
    assert state() == before
    assert list(knowledge.manageable_faqs(dept_admin)) == []
    assert list(knowledge.manageable_faqs(psb_admin)) == [entry]
    assert list(knowledge.manageable_faqs(other_city_clerk)) == []


def test_operator_keeps_every_units_entries(catalogue, operator, dept_admin, gz_market_dept):
    entry = make_faq(dept_admin, gz_market_dept)
    assert knowledge.access_faq(operator, entry.pk) == entry
    knowledge.retire_faq(actor=operator, faq=entry)


# --- console pages -------------------------------------------------------------------------------
def test_console_create_edit_retire(client, catalogue, dept_admin, gz_market_dept):
    from tongban.servicedesk.services import answers

    answers.ask("明天会下雨吗", ip="203.0.113.5")  # nothing found
    answers.ask("身份证过期了怎么办", ip="203.0.113.5")  # answered
    client.force_login(dept_admin)
    page = client.get(CONSOLE)
    assert page.status_code == 200
    assert "近 30 天未解决的提问" in page.content.decode()
    assert "明天会下雨吗" in page.content.decode()
    assert "身份证过期了怎么办" not in page.content.decode()
    response = client.post(
        f"{CONSOLE}new/",
        {
            "org_unit": gz_market_dept.pk,
            "question": "个体户可以网上办执照吗？",
            "alternatives": "个体执照网上申请",
            "answer": "可以，全程网办，当场发照。",
            "items": ["sole-trader-registration"],
        },
    )
    entry = FaqEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CONSOLE}{entry.pk}/"
    assert list(entry.items.values_list("key", flat=True)) == ["sole-trader-registration"]
    response = client.post(
        f"{CONSOLE}{entry.pk}/",
        {"question": entry.question, "alternatives": "", "answer": "可以。", "items": []},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "可以。" and not entry.items.exists()
    assert client.post(f"{CONSOLE}{entry.pk}/retire/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == FaqEntry.Status.RETIRED
    assert [
        e.event_type
        for e in AuditEvent.objects.filter(event_type__startswith="servicedesk.faq").order_by("seq")
    ] == [
        "servicedesk.faq_created",
        "servicedesk.faq_updated",
        "servicedesk.faq_retired",
    ]


def test_console_form_errors(client, catalogue, dept_admin, gz_market_dept):
    client.force_login(dept_admin)
    before = state()
    response = client.post(
        f"{CONSOLE}new/",
        {"org_unit": gz_market_dept.pk, "question": "", "answer": "答", "items": ["nope"]},
    )
    assert response.status_code == 400
    assert state() == before


def test_console_outsiders(client, catalogue, psb_admin, gz_psb_dept, dept_admin, citizen, clerk):
    entry = make_faq(psb_admin, gz_psb_dept, item_keys=[])
    before = state()
    client.force_login(dept_admin)  # another department
    assert client.get(f"{CONSOLE}{entry.pk}/").status_code == 404
    assert client.post(f"{CONSOLE}{entry.pk}/retire/").status_code == 404
    response = client.post(
        f"{CONSOLE}new/",
        {"org_unit": gz_psb_dept.pk, "question": "问", "answer": "答"},
    )
    assert response.status_code == 400  # not a unit of theirs: not even a choice
    for user in (citizen, clerk):
        client.force_login(user)
        assert client.get(CONSOLE).status_code == 403
        assert client.post(f"{CONSOLE}{entry.pk}/retire/").status_code == 403
    client.logout()
    assert client.get(CONSOLE).status_code == 302  # to the login page
    assert state() == before


def test_console_tool_is_listed_for_department_admins(client, dept_admin, clerk):
    client.force_login(dept_admin)
    assert "/console/knowledge/" in client.get("/console/").content.decode()
    client.force_login(clerk)
    assert "/console/knowledge/" not in client.get("/console/").content.decode()


def test_an_faq_without_items_answers_on_its_own(client, catalogue, psb_admin, gz_psb_dept):
    from tongban.servicedesk.models import AnswerLog
    from tongban.servicedesk.services import answers

    make_faq(
        psb_admin,
        gz_psb_dept,
        question="派出所周末上班吗？",
        alternatives="派出所星期六开门吗",
        answer="户政窗口周六上午办公。",
        item_keys=[],
    )
    answer = answers.ask("派出所周末上班吗", ip="203.0.113.5")
    assert answer.ranking.faqs[0].doc.answer == "户政窗口周六上午办公。"
    assert not answer.offer_human
    page = client.get("/help/", {"q": "派出所星期六开门吗"}).content.decode()
    assert "户政窗口周六上午办公。" in page
    assert "暂时没有找到" not in page
    assert AnswerLog.objects.filter(answered=True).count() == 2
