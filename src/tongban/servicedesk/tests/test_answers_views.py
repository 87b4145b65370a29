# ruff: noqa: F811  (fixtures imported from qa_support are used as arguments)
"""The /help/ page, its HTMX partials (answer, feedback, hand-off) and the portal widget."""

import pytest

from tongban.servicedesk.models import AnswerLog, WorkOrder
from tongban.servicedesk.tests.qa_support import catalogue, state  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_help_page_without_a_question(client, catalogue):
    response = client.get("/help/")
    assert response.status_code == 200
    assert "智能问答" in response.content.decode()
    assert 'class="qa-widget"' not in response.content.decode()  # no widget on its own page
    assert not AnswerLog.objects.exists()


def test_help_page_answers_with_the_link_to_the_guide(client, catalogue):
    response = client.get("/help/", {"q": "身份证过期了怎么办"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("居民身份证换领") < page.index("转人工客服")
    assert 'href="/services/id-card-renewal/"' in page
    assert AnswerLog.objects.get().channel == "web"


def test_htmx_gets_the_answer_partial_only(client, catalogue):
    response = client.get("/help/", {"q": "公积金", "via": "widget"}, **HTMX)
    page = response.content.decode()
    assert "<html" not in page
    assert "您想办理的是：" in page
    assert AnswerLog.objects.get().channel == "widget"


def test_empty_question_shows_the_error(client, catalogue):
    before = state()
    response = client.get("/help/", {"q": ""})
    assert response.status_code == 400
    assert "请输入您的问题" in response.content.decode()
    response = client.get("/help/", {"q": "长" * 300}, **HTMX)
    assert response.status_code == 200  # swapped in by HTMX
    assert 'data-code="question_too_long"' in response.content.decode()
    assert state() == before


def test_portal_pages_show_the_chat_widget(client, catalogue):
    for url in ("/", "/services/", "/services/id-card-renewal/"):
        page = client.get(url).content.decode()
        assert 'class="qa-widget"' in page, url
        assert 'hx-get="/help/"' in page


def test_feedback_partial(client, catalogue, citizen):
    client.force_login(citizen)
    client.get("/help/", {"q": "结婚"})
    log = AnswerLog.objects.get()
    assert log.user == citizen
    url = f"/help/answers/{log.public_id}/feedback/"
    response = client.post(url, {"useful": "0"}, **HTMX)
    assert "抱歉没能帮到您" in response.content.decode()
    log.refresh_from_db()
    assert log.feedback == "not_useful"
    before = state()
    response = client.post(url, {"useful": "1"}, **HTMX)
    assert "您已评价过" in response.content.decode()
    assert state() == before


def test_feedback_needs_post(client, catalogue):
    client.get("/help/", {"q": "结婚"})
    log = AnswerLog.objects.get()
    before = state()
    assert client.get(f"/help/answers/{log.public_id}/feedback/").status_code == 405
    assert state() == before


def test_hand_off_form_and_submission(client, catalogue, guangzhou):
    client.get("/help/", {"q": "今天天气怎么样"})
    log = AnswerLog.objects.get()
    url = f"/help/answers/{log.public_id}/human/"
    form = client.get(url, **HTMX).content.decode()
    assert 'name="contact_mobile"' in form
    before = state()
    response = client.post(url, {"contact_name": "王芳", "contact_mobile": ""}, **HTMX)
    assert "请填写联系人姓名" in response.content.decode()
    assert state() == before
    response = client.post(url, {"contact_name": "王芳", "contact_mobile": "13700137000"}, **HTMX)
    order = WorkOrder.objects.get()
    assert order.number in response.content.decode()


def test_unknown_answer_is_not_found(client, catalogue):
    response = client.get("/help/answers/00000000-0000-4000-8000-000000000000/human/")
    assert response.status_code == 404
