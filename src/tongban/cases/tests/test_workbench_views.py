"""Workbench case page and actions: each action goes through the lifecycle service, refusals
come back as form errors, other units' staff get 404 and change nothing."""

import pytest
from django.urls import reverse

from tongban.cases.models import Case, CaseTask, CorrectionNotice
from tongban.cases.services import lifecycle
from tongban.cases.tests._workbench_setup import make_case, make_item, tax_department
from tongban.core.models import AuditEvent

S = Case.Status
HTMX = {"HX-Request": "true", "HX-Target": "case-body"}


def url(name, case, **kw):
    return reverse(f"workbench_cases:{name}", kwargs={"number": case.number, **kw})


def case_events(case, event_type=None):
    events = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    return events.filter(event_type=event_type) if event_type else events


@pytest.fixture
def gz_item(gz_market_dept):
    return make_item(gz_market_dept)


@pytest.fixture
def case(citizen, gz_item):
    return make_case(citizen, gz_item)


@pytest.fixture
def in_review(case, clerk):
    return lifecycle.accept_case(case, actor=clerk)


# --- the case page ---------------------------------------------------------------------------
def test_case_page_shows_form_with_sources_materials_and_history(client, clerk, case):
    client.force_login(clerk)
    body = client.get(url("case_detail", case)).content.decode()
    assert case.number in body
    assert "440106199001011235" in body  # the clerk may see PII of their unit
    assert "政府核验" in body and "本人填写" in body
    assert "张三小吃店" in body
    assert 'id="action-accept"' in body and 'id="action-correction"' in body
    # the correction checklist lists the item's materials
    assert "经营场所证明" in body and "身份证明" in body


def test_case_page_masks_pii_for_staff_without_view_pii(client, dept_admin, case):
    client.force_login(dept_admin)
    body = client.get(url("case_detail", case)).content.decode()
    assert "440106199001011235" not in body
    assert "440***********1235" in body
    assert "138****8000" in body
    assert 'id="action-accept"' not in body  # dept admins do not accept


def test_case_page_of_another_city_is_not_found(client, other_city_clerk, case):
    client.force_login(other_city_clerk)
    assert client.get(url("case_detail", case)).status_code == 404


def test_case_page_refuses_citizens_and_anonymous(client, outsider, citizen, case):
    for user in (outsider, citizen):
        client.force_login(user)
        assert client.get(url("case_detail", case)).status_code == 403
    client.logout()
    assert client.get(url("case_detail", case)).status_code == 302


ACTIONS = [
    ("case_accept", {}),
    ("case_reject", {"reject-reason": "材料不全"}),
    ("case_correction", {"correction-other": "身份证明：模糊"}),
    ("case_suspend", {"suspend-reason": "听证"}),
    ("case_resume", {}),
    ("case_conclude", {}),
    ("case_hall_visit", {}),
]


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_other_city_clerk_gets_404_on_every_action_and_nothing_changes(
    client, other_city_clerk, case, name, data
):
    before = (case.status, case.hall_visits, AuditEvent.objects.count())
    client.force_login(other_city_clerk)
    assert client.post(url(name, case), data).status_code == 404
    case.refresh_from_db()
    assert (case.status, case.hall_visits, AuditEvent.objects.count()) == before


def test_other_city_clerk_cannot_decide_a_task(client, other_city_clerk, in_review):
    task = in_review.tasks.get()
    events = AuditEvent.objects.count()
    client.force_login(other_city_clerk)
    response = client.post(
        url("task_decide", in_review, task_id=task.pk),
        {f"task{task.pk}-decision": "approve", f"task{task.pk}-opinion": "同意"},
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == CaseTask.Status.ACTIVE
    assert AuditEvent.objects.count() == events


# --- actions ---------------------------------------------------------------------------------
def test_accept_moves_the_case_into_review_with_deadlines(client, clerk, case):
    client.force_login(clerk)
    response = client.post(url("case_accept", case))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW and case.promised_deadline is not None
    assert case_events(case, "cases.case_accepted").count() == 1
    page = client.get(url("case_detail", case)).content.decode()
    assert "已受理" in page and "审查决定" in page


def test_accept_over_htmx_returns_the_case_body(client, clerk, case):
    client.force_login(clerk)
    response = client.post(url("case_accept", case), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'data-status="in_review"' in body


def test_refused_action_shows_the_chinese_message_and_is_audited(client, clerk, in_review):
    client.force_login(clerk)
    before = case_events(in_review, "cases.action_refused").count()
    response = client.post(url("case_accept", in_review), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-code="illegal_transition"' in body and "不能执行此操作" in body
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    assert case_events(in_review, "cases.action_refused").count() == before + 1


def test_clerk_without_review_permission_is_refused_a_decision(client, clerk, in_review):
    task = in_review.tasks.get()
    client.force_login(clerk)
    response = client.post(
        url("task_decide", in_review, task_id=task.pk),
        {f"task{task.pk}-decision": "approve", f"task{task.pk}-opinion": "同意"},
    )
    assert response.status_code == 400
    assert 'data-code="permission_denied"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == CaseTask.Status.ACTIVE


def test_reject_needs_a_reason(client, clerk, case):
    client.force_login(clerk)
    response = client.post(url("case_reject", case), {"reject-reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    response = client.post(url("case_reject", case), {"reject-reason": "不属于本部门职权范围"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.NOT_ACCEPTED and case.decision_reason == "不属于本部门职权范围"
    assert case_events(case, "cases.case_rejected").count() == 1


def test_correction_must_list_at_least_one_item(client, clerk, case):
    client.force_login(clerk)
    response = client.post(url("case_correction", case), {"correction-note": "请补正"})
    assert response.status_code == 400
    assert 'data-code="correction_items_required"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not CorrectionNotice.objects.filter(case=case).exists()


def test_correction_lists_checked_materials_and_free_lines_in_one_notice(client, clerk, case):
    material = case.item_version.materials.get(name="经营场所证明")
    client.force_login(clerk)
    response = client.post(
        url("case_correction", case),
        {
            f"correction-m_{material.pk}": "on",
            f"correction-p_{material.pk}": "租赁合同已过期",
            "correction-other": "申请表：签名缺失\n请补充近期照片",
            "correction-note": "请于十日内补正",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.CORRECTION_REQUESTED
    notice = CorrectionNotice.objects.get(case=case)
    assert notice.items == [
        {"material": "经营场所证明", "problem": "租赁合同已过期"},
        {"material": "申请表", "problem": "签名缺失"},
        {"material": "其他", "problem": "请补充近期照片"},
    ]
    assert case_events(case, "cases.correction_requested").count() == 1


def test_approve_then_conclude(client, approver, in_review):
    task = in_review.tasks.get()
    client.force_login(approver)
    page = client.get(url("case_detail", in_review)).content.decode()
    assert f'id="action-decide-{task.pk}"' in page
    response = client.post(
        url("task_decide", in_review, task_id=task.pk),
        {f"task{task.pk}-decision": "approve", f"task{task.pk}-opinion": "材料齐全，同意"},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.APPROVED
    response = client.post(url("case_conclude", in_review))
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.CONCLUDED
    assert case_events(in_review, "cases.case_concluded").count() == 1
    # the history shows the task decision too
    page = client.get(url("case_detail", in_review)).content.decode()
    assert 'data-event="cases.task_decided"' in page and "材料齐全，同意" in page


def test_deciding_a_task_twice_is_refused(client, approver, in_review):
    task = in_review.tasks.get()
    lifecycle.decide_task(task, actor=approver, approve=True, opinion="同意")
    client.force_login(approver)
    response = client.post(
        url("task_decide", in_review, task_id=task.pk),
        {f"task{task.pk}-decision": "deny", f"task{task.pk}-opinion": "不同意"},
    )
    assert response.status_code == 400
    assert 'data-code="task_already_decided"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == CaseTask.Status.APPROVED


def test_deny_ends_the_case_as_denied(client, approver, in_review):
    task = in_review.tasks.get()
    client.force_login(approver)
    client.post(
        url("task_decide", in_review, task_id=task.pk),
        {f"task{task.pk}-decision": "deny", f"task{task.pk}-opinion": "经营场所不符合规定"},
    )
    in_review.refresh_from_db()
    assert in_review.status == S.DENIED
    assert in_review.decision_reason == "经营场所不符合规定"


def test_suspend_and_resume(client, approver, in_review):
    client.force_login(approver)
    assert client.post(url("case_suspend", in_review), {"suspend-reason": ""}).status_code == 400
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    response = client.post(url("case_suspend", in_review), {"suspend-reason": "专家评审"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.SUSPENDED
    assert client.post(url("case_resume", in_review)).status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    assert case_events(in_review, "cases.case_resumed").count() == 1


def test_record_a_hall_visit(client, clerk, case):
    client.force_login(clerk)
    assert client.post(url("case_hall_visit", case)).status_code == 302
    case.refresh_from_db()
    assert case.hall_visits == 1
    assert case_events(case, "cases.hall_visit_recorded").count() == 1


def test_joint_approval_needs_both_departments(
    client, citizen, clerk, approver, guangzhou, gz_market_dept
):
    tax_unit, tax_approver = tax_department(guangzhou)
    joint = make_item(gz_market_dept, name="开办企业一件事", joint_department="税务局")
    case = lifecycle.accept_case(make_case(citizen, joint), actor=clerk)
    market_task = case.tasks.get(org_unit=gz_market_dept)
    tax_task = case.tasks.get(org_unit=tax_unit)

    client.force_login(tax_approver)
    page = client.get(url("case_detail", case)).content.decode()
    assert f'id="action-decide-{tax_task.pk}"' in page
    assert f'id="action-decide-{market_task.pk}"' not in page
    # the tax approver cannot decide the market department's task
    response = client.post(
        url("task_decide", case, task_id=market_task.pk),
        {f"task{market_task.pk}-decision": "approve", f"task{market_task.pk}-opinion": "同意"},
    )
    assert 'data-code="permission_denied"' in response.content.decode()
    client.post(
        url("task_decide", case, task_id=tax_task.pk),
        {f"task{tax_task.pk}-decision": "approve", f"task{tax_task.pk}-opinion": "税务无异议"},
    )
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW  # the market department has not decided yet

    client.force_login(approver)
    client.post(
        url("task_decide", case, task_id=market_task.pk),
        {f"task{market_task.pk}-decision": "approve", f"task{market_task.pk}-opinion": "同意"},
    )
    case.refresh_from_db()
    assert case.status == S.APPROVED


# --- batch accept ----------------------------------------------------------------------------
def test_batch_accept_reports_per_case_and_never_half_applies(
    client, citizen, clerk, gz_item, sz_market_dept
):
    ok1 = make_case(citizen, gz_item)
    ok2 = make_case(citizen, gz_item)
    already = lifecycle.accept_case(make_case(citizen, gz_item), actor=clerk)
    foreign = make_case(citizen, make_item(sz_market_dept))
    client.force_login(clerk)
    response = client.post(
        reverse("workbench_cases:batch_accept"),
        {"numbers": [ok1.number, already.number, foreign.number, ok2.number]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-number="{ok1.number}" data-outcome="accepted"' in body
    assert f'data-number="{ok2.number}" data-outcome="accepted"' in body
    assert (
        f'data-number="{already.number}" data-outcome="refused" data-code="illegal_transition"'
        in body
    )
    assert f'data-number="{foreign.number}" data-outcome="refused" data-code="not_found"' in body
    for c in (ok1, ok2):
        c.refresh_from_db()
        assert c.status == S.IN_REVIEW and c.tasks.count() == 1
    foreign.refresh_from_db()
    assert foreign.status == S.SUBMITTED and not foreign.tasks.exists()
    assert not case_events(foreign).exists()


def test_batch_accept_with_an_eligibility_block_leaves_that_case_untouched(
    client, citizen, clerk, gz_item, monkeypatch
):
    from tongban.cases.services import eligibility

    good = make_case(citizen, gz_item)
    blocked = make_case(citizen, gz_item, applicant_name="失信人")

    def check(case):
        if case.applicant_name == "失信人":
            return [eligibility.CheckResult("credit.blacklisted", "联合惩戒对象", blocking=True)]
        return []

    monkeypatch.setattr(eligibility, "_checks", [check])
    client.force_login(clerk)
    client.post(reverse("workbench_cases:batch_accept"), {"numbers": [blocked.number, good.number]})
    good.refresh_from_db()
    blocked.refresh_from_db()
    assert good.status == S.IN_REVIEW
    assert blocked.status == S.SUBMITTED
    assert blocked.accepted_at is None and blocked.promised_deadline is None
    assert not blocked.tasks.exists()
    assert (
        case_events(blocked, "cases.action_refused")
        .filter(data__code="eligibility_blocked")
        .exists()
    )


def test_batch_accept_needs_a_selection(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("workbench_cases:batch_accept"), {})
    assert response.status_code == 400
