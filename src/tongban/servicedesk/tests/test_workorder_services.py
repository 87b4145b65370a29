"""The closed loop of 12345 work orders through the services: 受理 → 派单 → 办理 → 回复 →
督办 → 办结 → 回访 → 评价, returns, deadlines, escalation, bad input and outsiders."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.models import WorkOrder, WorkOrderNotice
from tongban.servicedesk.services import workorders as svc
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.servicedesk.tests._workorder_setup import COMPLAINT, file_complaint, snapshot

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture
sz_hotline = setup.sz_hotline  # shared fixture

pytestmark = pytest.mark.django_db
S = WorkOrder.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def events(order):
    return list(
        AuditEvent.objects.filter(target_id=str(order.pk), event_type__startswith="servicedesk.")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )


def test_full_loop_with_callback_and_rating(citizen, hotline_operator, gz_env_dept, env_clerk):
    order = file_complaint(citizen)
    assert order.status == S.ACCEPTED and order.hotline_unit.code == "440100"
    assert order.suggested_unit == gz_env_dept  # 油烟、噪音 → 生态环境局
    assert len(order.number) == 15
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已现场检查，责令饭店加装油烟净化设备。")
    svc.supervise_work_order(order, actor=hotline_operator, note="请补充整改期限")
    order.refresh_from_db()
    assert order.status == S.DISPATCHED and order.is_supervised
    svc.reply_work_order(order, actor=env_clerk, reply="已责令 7 日内整改，逾期将处罚。")
    svc.conclude_work_order(order, actor=hotline_operator)
    svc.call_back_work_order(order, actor=hotline_operator, note="市民表示油烟已减少")
    order.refresh_from_db()
    assert order.status == S.CALLED_BACK
    svc.rate_work_order(order, actor=citizen, level=4, comment="处理及时")
    order.refresh_from_db()
    assert order.status == S.RATED and order.rating == 4
    assert events(order) == [
        "servicedesk.work_order_created",
        "servicedesk.work_order_dispatched",
        "servicedesk.work_order_replied",
        "servicedesk.work_order_supervised",
        "servicedesk.work_order_replied",
        "servicedesk.work_order_concluded",
        "servicedesk.work_order_called_back",
        "servicedesk.work_order_rated",
    ]
    actions = [e.action for e in order.events.all()]
    assert actions[0] == "accepted" and actions[-1] == "rated"
    texts = list(WorkOrderNotice.objects.filter(user=citizen).values_list("text", flat=True))
    assert any("已办结" in text and "7 日内整改" in text for text in texts)


def test_department_returns_wrong_dispatch_and_hotline_redispatches(
    citizen, hotline_operator, gz_market_dept, gz_env_dept, clerk, env_clerk
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_market_dept)
    with pytest.raises(DomainError) as excinfo:
        svc.return_work_order(order, actor=clerk, reason="  ")
    assert excinfo.value.code == "reason_required"
    svc.return_work_order(order, actor=clerk, reason="油烟噪音属生态环境部门职责")
    order.refresh_from_db()
    assert order.status == S.ACCEPTED and order.org_unit is None and order.return_count == 1
    assert WorkOrderNotice.objects.filter(
        org_unit=order.hotline_unit, text__contains="退回"
    ).exists()
    # the market department no longer sees it and cannot act on it
    with pytest.raises(DomainError) as excinfo:
        svc.reply_work_order(order, actor=clerk, reply="答复")
    assert excinfo.value.status == 404
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已处理")
    assert "servicedesk.work_order_returned" in events(order)


def test_the_hotline_dispatches_but_never_answers_for_a_department(
    citizen, hotline_operator, gz_env_dept
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    order.refresh_from_db()
    before = snapshot(order)
    for attempt in (
        lambda: svc.reply_work_order(order, actor=hotline_operator, reply="代部门答复"),
        lambda: svc.return_work_order(order, actor=hotline_operator, reason="代部门退回"),
    ):
        with pytest.raises(DomainError) as excinfo:
            attempt()
        assert excinfo.value.status in (403, 404)
    assert snapshot(order) == before


def test_illegal_transitions_change_nothing(citizen, hotline_operator, gz_env_dept, env_clerk):
    order = file_complaint(citizen)
    before = snapshot(order)
    attempts = [
        lambda: svc.reply_work_order(order, actor=env_clerk, reply="x"),  # not dispatched
        lambda: svc.conclude_work_order(order, actor=hotline_operator),
        lambda: svc.call_back_work_order(order, actor=hotline_operator, note="x"),
        lambda: svc.rate_work_order(order, actor=citizen, level=5),
        lambda: svc.supervise_work_order(order, actor=hotline_operator, note="x"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as excinfo:
            attempt()
        assert excinfo.value.code in ("illegal_work_order_transition", "work_order_not_found")
    assert snapshot(order) == before
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    with pytest.raises(DomainError) as excinfo:
        svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    assert excinfo.value.code == "illegal_work_order_transition" and excinfo.value.status == 409


def test_rating_once_by_the_submitter_only(
    citizen, outsider, hotline_operator, gz_env_dept, env_clerk
):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已处理")
    svc.conclude_work_order(order, actor=hotline_operator)
    for actor, level, code in [
        (outsider, 5, "work_order_not_found"),
        (citizen, 9, "invalid_level"),
        (citizen, "x", "invalid_level"),
    ]:
        with pytest.raises(DomainError) as excinfo:
            svc.rate_work_order(order, actor=actor, level=level)
        assert excinfo.value.code == code
    order.refresh_from_db()
    assert order.rating is None and order.status == S.CONCLUDED
    svc.rate_work_order(order, actor=citizen, level=1, comment="没解决")
    with pytest.raises(DomainError) as excinfo:
        svc.rate_work_order(order, actor=citizen, level=5)
    assert excinfo.value.code == "already_rated"
    order.refresh_from_db()
    assert order.rating == 1
    # a bad rating is sent to the hotline and the department
    assert WorkOrderNotice.objects.filter(org_unit=gz_env_dept, text__contains="差评").exists()
    # the callback may still follow a rating, once
    svc.call_back_work_order(order, actor=hotline_operator, note="已回访，部门再次处理")
    order.refresh_from_db()
    assert order.status == S.RATED and order.called_back_at is not None
    with pytest.raises(DomainError) as excinfo:
        svc.call_back_work_order(order, actor=hotline_operator, note="again")
    assert excinfo.value.code == "already_called_back"


def test_other_city_staff_cannot_act(
    citizen, hotline_operator, gz_env_dept, other_city_clerk, sz_hotline, sz_market_dept
):
    order = file_complaint(citizen)
    before = snapshot(order)
    with pytest.raises(DomainError) as excinfo:
        svc.dispatch_work_order(order, actor=sz_hotline, department=gz_env_dept)
    assert excinfo.value.status == 404
    # Guangzhou's hotline cannot dispatch to a Shenzhen department
    with pytest.raises(DomainError) as excinfo:
        svc.dispatch_work_order(order, actor=hotline_operator, department=sz_market_dept)
    assert excinfo.value.code == "department_out_of_reach"
    assert snapshot(order) == before
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    before = snapshot(order)
    for attempt in (
        lambda: svc.reply_work_order(order, actor=other_city_clerk, reply="x"),
        lambda: svc.return_work_order(order, actor=other_city_clerk, reason="x"),
        lambda: svc.supervise_work_order(order, actor=sz_hotline, note="x"),
    ):
        with pytest.raises(DomainError) as excinfo:
            attempt()
        assert excinfo.value.status == 404
    assert snapshot(order) == before


def test_hotline_entry_needs_operator_and_caller_mobile(citizen, clerk, hotline_operator):
    common = {"kind": "help", "channel": "hotline", "title": "求助", "content": "老人走失"}
    with pytest.raises(DomainError) as excinfo:
        svc.create_work_order(actor=clerk, contact_mobile="13711112222", **common)
    assert excinfo.value.code == "permission_denied"
    with pytest.raises(DomainError) as excinfo:
        svc.create_work_order(actor=hotline_operator, **common)
    assert excinfo.value.code == "invalid_mobile"
    assert not WorkOrder.objects.exists()
    order = svc.create_work_order(
        actor=hotline_operator, contact_mobile="13711112222", contact_name="陈先生", **common
    )
    assert order.submitter is None and order.channel == "hotline"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("content", "   ", "content_required"),
        ("content", "长" * 2001, "content_too_long"),
        ("title", "", "title_required"),
        ("title", "题" * 101, "title_too_long"),
        ("kind", "praise", "invalid_kind"),
        ("division_code", "110101", "invalid_division"),
        ("contact_mobile", "12345", "invalid_mobile"),
    ],
)
def test_bad_input_creates_nothing(citizen, guangzhou, field, value, code):
    with pytest.raises(DomainError) as excinfo:
        file_complaint(citizen, **{field: value})
    assert excinfo.value.code == code
    assert not WorkOrder.objects.exists() and not AuditEvent.objects.exists()


def test_rate_limits_per_user_ip_and_mobile(citizen, outsider, guangzhou, settings):
    settings.WORKORDER_RATE_LIMIT = 2
    for n in range(2):
        file_complaint(citizen, content=f"第{n}件：路灯不亮{n}", ip="10.0.0.1")
    with pytest.raises(DomainError) as excinfo:
        file_complaint(citizen, content="第三件：路灯不亮", ip="10.0.0.9")
    assert excinfo.value.code == "work_order_rate_limited" and excinfo.value.status == 429
    with pytest.raises(DomainError):  # another account from the same address
        file_complaint(outsider, content="另一个账号", ip="10.0.0.1")
    file_complaint(
        outsider, content="另一个账号另一个地址", ip="10.0.0.2", contact_mobile="13600001111"
    )
    file_complaint(outsider, content="同一手机第二件", ip="10.0.0.3", contact_mobile="13600001111")
    with pytest.raises(DomainError):  # the outsider's own limit, and the mobile's
        file_complaint(outsider, content="第三件", ip="10.0.0.4", contact_mobile="13600001111")
    assert WorkOrder.objects.count() == 4


def test_deadlines_by_type_across_the_national_day_holiday(citizen, guangzhou):
    # Wednesday 2026-09-30; 1–7 October are holidays, Saturday 10 October is a working day.
    accepted = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=accepted):
        consultation = file_complaint(citizen, kind="consultation", content="咨询社保卡补办")
        complaint = file_complaint(citizen, content="投诉小区电梯长期故障")
        urgent = file_complaint(citizen, kind="help", content="井盖缺失很危险", is_urgent=True)
    assert consultation.deadline == date(2026, 10, 10)  # 8, 9, 10 October
    assert complaint.deadline == date(2026, 10, 23)  # 8–10, 12–16, 19–23 October
    assert urgent.deadline == date(2026, 9, 30)  # the same day
    assert svc.deadline_for("consultation", date(2026, 9, 30)) == date(2026, 10, 10)


def test_deadline_days_are_configurable(settings):
    settings.WORKORDER_DEADLINE_DAYS = {**settings.WORKORDER_DEADLINE_DAYS, "complaint": 1}
    assert svc.deadline_for("complaint", date(2026, 9, 30)) == date(2026, 10, 8)


def test_overdue_orders_escalate_once(citizen, hotline_operator, gz_env_dept):
    accepted = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=accepted):
        late = file_complaint(citizen, kind="consultation", content="咨询公积金提取")
    fresh = file_complaint(citizen, content="另一件新的投诉：路面破损")
    svc.dispatch_work_order(late, actor=hotline_operator, department=gz_env_dept)
    escalated = svc.escalate_overdue_work_orders(today=date(2026, 10, 12))
    assert escalated == [late.number]
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.is_supervised and late.escalated_at and not fresh.is_supervised
    assert "servicedesk.work_order_escalated" in events(late)
    assert WorkOrderNotice.objects.filter(org_unit=gz_env_dept, text__contains="超期督办").exists()
    assert WorkOrderNotice.objects.filter(
        org_unit=late.hotline_unit, text__contains="超期督办"
    ).exists()
    assert svc.escalate_overdue_work_orders(today=date(2026, 10, 13)) == []


def test_periodic_task_is_registered(settings):
    from tongban.servicedesk.tasks_workorders import escalate_overdue_work_orders

    assert (
        settings.PERIODIC_TASKS["tongban.servicedesk.tasks_workorders.escalate_overdue_work_orders"]
        > 0
    )
    assert escalate_overdue_work_orders.call() == []


def test_create_contract_used_by_the_assistant(citizen, guangzhou):
    order = svc.create_work_order(
        actor=citizen, kind="consultation", channel="chat", title="", content=COMPLAINT
    )
    assert order.channel == "chat" and order.title == COMPLAINT[:30]
    assert order.division_code == "440100" and order.submitter == citizen


def test_anonymous_chat_handoff_needs_a_mobile(guangzhou):
    common = {"actor": None, "kind": "consultation", "channel": "chat", "title": ""}
    with pytest.raises(DomainError) as excinfo:
        svc.create_work_order(content="怎么办理居住证？", **common)
    assert excinfo.value.code == "invalid_mobile" and not WorkOrder.objects.exists()
    order = svc.create_work_order(
        content="怎么办理居住证？", contact_mobile="+86 137 0013 7000", **common
    )
    assert order.submitter is None and order.contact_mobile == "13700137000"
    assert order.events.get().actor_name == "anonymous"


def test_a_caller_rates_on_the_callback(hotline_operator, gz_env_dept, env_clerk):
    order = svc.create_work_order(
        actor=hotline_operator,
        kind="complaint",
        channel="hotline",
        title="公交站台破损",
        content="体育中心公交站台雨棚破损漏雨",
        contact_mobile="13711112222",
        division_code="440106",
    )
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已转交养护单位维修")
    svc.conclude_work_order(order, actor=hotline_operator)
    with pytest.raises(DomainError) as excinfo:
        svc.call_back_work_order(order, actor=hotline_operator, note="回访", level=7)
    assert excinfo.value.code == "invalid_level"
    svc.call_back_work_order(order, actor=hotline_operator, note="来电人表示满意", level=4)
    order.refresh_from_db()
    assert order.status == S.RATED and order.rating == 4 and order.rating_channel == "hotline"
    assert order.called_back_at is not None
    rated = AuditEvent.objects.get(event_type="servicedesk.work_order_rated")
    assert rated.data["channel"] == "hotline"


def test_callback_cannot_rate_twice(citizen, hotline_operator, gz_env_dept, env_clerk):
    order = file_complaint(citizen)
    svc.dispatch_work_order(order, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(order, actor=env_clerk, reply="已处理")
    svc.conclude_work_order(order, actor=hotline_operator)
    svc.rate_work_order(order, actor=citizen, level=5)
    before = snapshot(order)
    with pytest.raises(DomainError) as excinfo:
        svc.call_back_work_order(order, actor=hotline_operator, note="回访", level=1)
    assert excinfo.value.code == "already_rated"
    assert snapshot(order) == before
    order.refresh_from_db()
    assert order.rating_channel == "online"


def test_hotline_entries_are_not_rate_limited(hotline_operator, guangzhou, settings):
    settings.WORKORDER_RATE_LIMIT = 1
    for n in range(2):
        svc.create_work_order(
            actor=hotline_operator,
            kind="consultation",
            channel="hotline",
            title=f"咨询{n}",
            content=f"第{n}个问题：社保卡怎么补办",
            contact_mobile="13711112222",
        )
    assert WorkOrder.objects.filter(contact_mobile="13711112222").count() == 2
