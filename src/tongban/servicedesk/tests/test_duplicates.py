"""Duplicate work orders: a similar open order of the same area within the window is linked
to it, and one answer concludes every linked order (each submitter is told)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.servicedesk.models import WorkOrder, WorkOrderNotice
from tongban.servicedesk.services import workorders as svc
from tongban.servicedesk.services.duplicates import jaccard, order_terms, similarity
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.servicedesk.tests._workorder_setup import file_complaint

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture

pytestmark = pytest.mark.django_db
S = WorkOrder.Status
SIMILAR = {
    "title": "油烟噪音扰民",
    "content": "体育西路那家饭店晚上油烟噪音很大，扰民影响休息",
    "location": "天河区体育西路",
    "contact_mobile": "13900139000",
}


def test_similar_order_is_linked_to_the_open_master(citizen, outsider, guangzhou):
    master = file_complaint(citizen)
    duplicate = file_complaint(outsider, **SIMILAR)
    assert duplicate.status == S.LINKED and duplicate.master == master
    event = AuditEvent.objects.get(event_type="servicedesk.work_order_linked")
    assert event.target_id == str(duplicate.pk) and event.data["master"] == master.number
    assert float(event.data["similarity"]) >= 0.5
    notice = WorkOrderNotice.objects.get(user=outsider)
    assert master.number in notice.text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"division_code": "440105"}, "another district"),
        ({"kind": "consultation"}, "consultations are answered one by one"),
        ({"title": "路灯不亮", "content": "体育西路路灯坏了好几天，晚上很黑"}, "other problem"),
    ],
)
def test_not_linked_when_area_kind_or_text_differ(citizen, outsider, guangzhou, change, why):
    file_complaint(citizen)
    other = file_complaint(outsider, **{**SIMILAR, **change})
    assert other.master is None and other.status == S.ACCEPTED, why


def test_not_linked_outside_the_time_window_or_after_conclusion(
    citizen, outsider, guangzhou, hotline_operator, gz_env_dept, env_clerk, settings
):
    settings.WORKORDER_RATE_LIMIT = 10
    old = file_complaint(citizen)
    WorkOrder.objects.filter(pk=old.pk).update(accepted_at=timezone.now() - timedelta(days=8))
    assert file_complaint(outsider, **SIMILAR).master is None  # 7-day window
    WorkOrder.objects.all().delete()
    master = file_complaint(citizen)
    svc.dispatch_work_order(master, actor=hotline_operator, department=gz_env_dept)
    svc.reply_work_order(master, actor=env_clerk, reply="已处理")
    svc.conclude_work_order(master, actor=hotline_operator)
    assert file_complaint(outsider, **SIMILAR).master is None  # a new report after conclusion


def test_one_answer_concludes_every_linked_order(
    citizen, outsider, guangzhou, hotline_operator, gz_env_dept, env_clerk
):
    master = file_complaint(citizen)
    duplicate = file_complaint(outsider, **SIMILAR)
    # the duplicate follows its master: no separate handling
    with pytest.raises(DomainError) as excinfo:
        svc.dispatch_work_order(duplicate, actor=hotline_operator, department=gz_env_dept)
    assert excinfo.value.code == "linked_order"
    svc.dispatch_work_order(master, actor=hotline_operator, department=gz_env_dept)
    duplicate.refresh_from_db()
    assert duplicate.org_unit == gz_env_dept and duplicate.status == S.LINKED
    svc.reply_work_order(master, actor=env_clerk, reply="已对该饭店立案查处，限期安装油烟净化器。")
    svc.conclude_work_order(master, actor=hotline_operator)
    duplicate.refresh_from_db()
    assert duplicate.status == S.CONCLUDED and duplicate.concluded_at is not None
    assert duplicate.reply == "已对该饭店立案查处，限期安装油烟净化器。"
    for user in (citizen, outsider):
        assert WorkOrderNotice.objects.filter(user=user, text__contains="立案查处").exists()
    concluded = AuditEvent.objects.filter(event_type="servicedesk.work_order_concluded")
    assert {e.target_id for e in concluded} == {str(master.pk), str(duplicate.pk)}
    # each submitter rates their own order
    svc.rate_work_order(duplicate, actor=outsider, level=3)
    duplicate.refresh_from_db()
    assert duplicate.status == S.RATED


def test_jaccard_and_terms():
    assert jaccard([], ["a"]) == 0.0
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    terms = order_terms("饭店油烟", "楼下饭店油烟扰民", "体育西路")
    assert "饭店" in terms and "油烟" in terms and all(len(t) >= 2 for t in terms)
    assert "@体育" in terms and "体育" not in terms


def test_the_same_place_alone_does_not_make_a_duplicate():
    lamp = order_terms("路灯不亮", "路灯坏了好几天", "天河区体育西路 1 号")
    manhole = order_terms("井盖缺失", "井盖丢了很危险", "天河区体育西路 1 号")
    assert similarity(lamp, manhole) < 0.5
    fumes = order_terms("饭店油烟噪音扰民", "楼下饭店每天晚上油烟和噪音扰民，严重影响休息")
    same_place = order_terms("油烟噪音扰民", "那家饭店晚上油烟噪音很大，扰民影响休息")
    near = similarity(fumes + ["@体育", "@西路"], same_place + ["@体育", "@西路"])
    assert near == pytest.approx(similarity(fumes, same_place) + 0.1)
