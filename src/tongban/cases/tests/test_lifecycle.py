"""Lifecycle state machine: every transition, its permission and its refusals."""

import pytest
from django.utils import timezone

from tongban.cases.errors import CaseError
from tongban.cases.models import Case, CaseTask, ClockPause, CorrectionNotice, Notification
from tongban.cases.models.case import TRANSITIONS
from tongban.cases.services import hooks, lifecycle
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.testing.factories_cases import (
    CaseFactory,
    accepted_case,
    make_implementation,
    submitted_case,
)

S = Case.Status


@pytest.fixture
def implementation(gz_market_dept):
    return make_implementation(gz_market_dept, name="个体工商户设立登记")


def _events(event_type, case=None):
    queryset = AuditEvent.objects.filter(event_type=event_type)
    if case is not None:
        queryset = queryset.filter(target_type="cases.case", target_id=str(case.pk))
    return queryset


def _snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.number,
        case.accepted_at,
        case.promised_deadline,
        case.decision_reason,
        case.hall_visits,
        list(case.tasks.values_list("status", flat=True)),
        case.pauses.count(),
        case.corrections.count(),
    )


def test_transitions_table_covers_every_status():
    assert set(TRANSITIONS) == set(S.values)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(S.values)
    assert not TRANSITIONS[S.CONCLUDED] and not TRANSITIONS[S.WITHDRAWN]
    assert not TRANSITIONS[S.NOT_ACCEPTED]


def test_full_cycle(implementation, citizen, clerk, approver):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    assert case.number is None
    case = lifecycle.submit_case(case, actor=citizen)
    assert case.status == S.SUBMITTED and case.number and len(case.number) == 20
    assert case.number.startswith("440100")
    case = lifecycle.accept_case(case, actor=clerk)
    assert case.status == S.IN_REVIEW
    assert case.accepted_at and case.promised_deadline and case.legal_deadline
    assert case.promised_deadline <= case.legal_deadline
    task = case.tasks.get()
    assert task.status == CaseTask.Status.ACTIVE and task.org_unit == case.org_unit
    lifecycle.decide_task(task, actor=approver, approve=True, opinion="材料齐全，符合条件")
    case.refresh_from_db()
    assert case.status == S.APPROVED and case.decided_at
    case = lifecycle.conclude_case(case, actor=approver)
    assert case.status == S.CONCLUDED and case.concluded_at
    for event in (
        "cases.case_submitted",
        "cases.case_accepted",
        "cases.case_approved",
        "cases.case_concluded",
    ):
        assert _events(event, case).count() == 1, event
    assert _events("cases.task_decided").count() == 1
    texts = list(Notification.objects.filter(case=case).values_list("text", flat=True))
    assert len(texts) == 4
    assert all(case.number in text for text in texts)
    assert all("张三" not in text for text in texts)  # masked name only
    assert any("张*" in text for text in texts)


# --- submission ------------------------------------------------------------------------------
def test_submit_twice_with_same_key_returns_the_case_unchanged(implementation, citizen):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    first = lifecycle.submit_case(case, actor=citizen, idempotency_key="k-1")
    again = lifecycle.submit_case(
        Case.objects.get(pk=case.pk), actor=citizen, idempotency_key="k-1"
    )
    assert again.number == first.number
    assert _events("cases.case_submitted", case).count() == 1


def test_submit_again_without_key_is_illegal(implementation, citizen):
    case = submitted_case(implementation, citizen)
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.submit_case(case, actor=citizen)
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION
    assert "已提交" in exc.value.message
    assert _snapshot(case) == before


def test_same_key_on_another_draft_is_a_duplicate(implementation, citizen):
    lifecycle.submit_case(
        CaseFactory(implementation=implementation, applicant=citizen),
        actor=citizen,
        idempotency_key="same",
    )
    other = CaseFactory(implementation=implementation, applicant=citizen)
    with pytest.raises(DomainError) as exc:
        lifecycle.submit_case(other, actor=citizen, idempotency_key="same")
    assert exc.value.code == CaseError.DUPLICATE_SUBMISSION
    other.refresh_from_db()
    assert other.status == S.DRAFT and other.number is None


def test_only_the_applicant_submits(implementation, citizen, outsider, clerk):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    for actor in (outsider, clerk, None):
        with pytest.raises(DomainError) as exc:
            lifecycle.submit_case(case, actor=actor)
        assert exc.value.code == CaseError.NOT_APPLICANT
    case.refresh_from_db()
    assert case.status == S.DRAFT and case.number is None
    assert not _events("cases.case_submitted").exists()


def test_withdrawn_item_takes_no_applications(implementation, citizen):
    case = CaseFactory(implementation=implementation, applicant=citizen)
    implementation.item.is_withdrawn = True
    implementation.item.save()
    with pytest.raises(DomainError) as exc:
        lifecycle.submit_case(case, actor=citizen)
    assert exc.value.code == CaseError.ITEM_WITHDRAWN
    case.refresh_from_db()
    assert case.status == S.DRAFT and case.number is None


def test_submission_validator_hook_refuses(implementation, citizen):
    def validator(case):
        raise DomainError("form_invalid", "表单不完整")

    hooks.register_submission_validator(validator)
    try:
        case = CaseFactory(implementation=implementation, applicant=citizen)
        with pytest.raises(DomainError) as exc:
            lifecycle.submit_case(case, actor=citizen)
        assert exc.value.code == "form_invalid"
    finally:
        hooks.unregister_submission_validator(validator)
    case.refresh_from_db()
    assert case.status == S.DRAFT and case.number is None


# --- acceptance ------------------------------------------------------------------------------
def test_not_accepted_needs_a_reason(implementation, citizen, clerk):
    case = submitted_case(implementation, citizen)
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.reject_case(case, actor=clerk, reason="  ")
    assert exc.value.code == CaseError.REASON_REQUIRED
    assert _snapshot(case) == before
    assert _events("cases.action_refused", case).count() == 1
    case = lifecycle.reject_case(case, actor=clerk, reason="不属于本机关职权范围")
    assert case.status == S.NOT_ACCEPTED
    assert case.decision_reason == "不属于本机关职权范围" and "行政复议" in case.remedies
    with pytest.raises(DomainError) as exc:
        lifecycle.accept_case(case, actor=clerk)
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION


@pytest.mark.parametrize("who", ["other_city_clerk", "approver", "outsider", "citizen"])
def test_accept_refused_outside_the_window_role(request, implementation, citizen, who):
    actor = request.getfixturevalue(who)
    case = submitted_case(implementation, citizen)
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.accept_case(case, actor=actor)
    assert exc.value.code == CaseError.PERMISSION_DENIED
    assert exc.value.status == 403
    assert _snapshot(case) == before
    refused = _events("cases.action_refused", case).get()
    assert refused.data["action"] == "accept"
    assert refused.data["code"] == CaseError.PERMISSION_DENIED
    assert not _events("cases.case_accepted").exists()


def test_correction_before_acceptance(implementation, citizen, clerk):
    case = submitted_case(implementation, citizen)
    for bad in ([], [{"material": "营业执照"}], [{"material": "", "problem": "模糊"}], "x"):
        with pytest.raises(DomainError) as exc:
            lifecycle.request_correction(case, actor=clerk, items=bad)
        assert exc.value.code in (
            CaseError.CORRECTION_ITEMS_REQUIRED,
            CaseError.CORRECTION_ITEM_INVALID,
        )
    assert Case.objects.get(pk=case.pk).status == S.SUBMITTED
    assert not CorrectionNotice.objects.exists()
    items = [
        {"material": "身份证明", "problem": "照片模糊"},
        {"material": "经营场所证明", "problem": "缺少产权证明"},
    ]
    notice = lifecycle.request_correction(case, actor=clerk, items=items, note="请一次补齐")
    assert notice.items == items
    case.refresh_from_db()
    assert case.status == S.CORRECTION_REQUESTED
    assert case.pauses.get().kind == ClockPause.Kind.CORRECTION
    # the clerk cannot accept meanwhile, the outsider cannot correct
    with pytest.raises(DomainError):
        lifecycle.accept_case(case, actor=clerk)
    case = lifecycle.submit_correction(case, actor=citizen)
    assert case.status == S.SUBMITTED
    notice.refresh_from_db()
    assert notice.resolved_at is not None
    assert case.pauses.get().ended_at is not None
    case = lifecycle.accept_case(case, actor=clerk)
    assert case.status == S.IN_REVIEW


def test_outsider_cannot_submit_correction(implementation, citizen, outsider, clerk):
    case = submitted_case(implementation, citizen)
    lifecycle.request_correction(case, actor=clerk, items=[{"material": "a", "problem": "b"}])
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.submit_correction(case, actor=outsider)
    assert exc.value.code == CaseError.NOT_APPLICANT
    assert _snapshot(case) == before


def test_hall_visits_are_counted(implementation, citizen, clerk, other_city_clerk):
    case = submitted_case(implementation, citizen)
    case = lifecycle.record_hall_visit(case, actor=clerk)
    assert case.hall_visits == 1
    with pytest.raises(DomainError):
        lifecycle.record_hall_visit(case, actor=other_city_clerk)
    assert Case.objects.get(pk=case.pk).hall_visits == 1
    assert _events("cases.hall_visit_recorded", case).count() == 1
    draft = CaseFactory(implementation=implementation, applicant=citizen)
    with pytest.raises(DomainError) as exc:
        lifecycle.record_hall_visit(draft, actor=clerk)
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION


# --- review ----------------------------------------------------------------------------------
def test_deny_needs_an_opinion_and_ends_the_case(implementation, citizen, clerk, approver):
    case = accepted_case(implementation, citizen, clerk)
    task = case.tasks.get()
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(task, actor=approver, approve=False, opinion="")
    assert exc.value.code == CaseError.OPINION_REQUIRED
    assert CaseTask.objects.get(pk=task.pk).status == CaseTask.Status.ACTIVE
    lifecycle.decide_task(task, actor=approver, approve=False, opinion="经营场所不符合要求")
    case.refresh_from_db()
    assert case.status == S.DENIED
    assert case.decision_reason == "经营场所不符合要求" and case.remedies
    case = lifecycle.conclude_case(case, actor=approver)
    assert case.status == S.CONCLUDED


def test_deciding_a_task_twice(implementation, citizen, clerk, approver):
    case = accepted_case(implementation, citizen, clerk)
    task = case.tasks.get()
    lifecycle.decide_task(task, actor=approver, approve=True, opinion="同意")
    before = _snapshot(case)
    stale = CaseTask.objects.get(pk=task.pk)
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(stale, actor=approver, approve=False, opinion="改主意了")
    assert exc.value.code == CaseError.TASK_ALREADY_DECIDED
    assert _snapshot(case) == before
    assert CaseTask.objects.get(pk=task.pk).opinion == "同意"
    assert _events("cases.action_refused").filter(data__action="decide_task").count() == 1


@pytest.mark.parametrize("who", ["clerk", "other_city_clerk", "outsider", "citizen"])
def test_decide_refused_without_review_role(request, implementation, citizen, clerk, who):
    case = accepted_case(implementation, citizen, clerk)
    actor = request.getfixturevalue(who)
    task = case.tasks.get()
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(task, actor=actor, approve=True, opinion="同意")
    assert exc.value.code == CaseError.PERMISSION_DENIED
    assert _snapshot(case) == before
    assert _events("cases.action_refused", case).count() == 1


def test_suspend_and_resume(implementation, citizen, clerk, approver):
    case = accepted_case(implementation, citizen, clerk)
    with pytest.raises(DomainError) as exc:
        lifecycle.suspend_case(case, actor=approver, reason="")
    assert exc.value.code == CaseError.REASON_REQUIRED
    with pytest.raises(DomainError) as exc:
        lifecycle.suspend_case(case, actor=clerk, reason="专家评审")
    assert exc.value.code == CaseError.PERMISSION_DENIED
    assert Case.objects.get(pk=case.pk).status == S.IN_REVIEW
    case = lifecycle.suspend_case(case, actor=approver, reason="专家评审")
    assert case.status == S.SUSPENDED
    assert case.pauses.get().kind == ClockPause.Kind.SUSPENSION
    # no task decisions while suspended
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(case.tasks.get(), actor=approver, approve=True, opinion="同意")
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION
    case = lifecycle.resume_case(case, actor=approver)
    assert case.status == S.IN_REVIEW
    assert case.pauses.get().ended_at is not None


def test_payment_hooks(implementation, citizen, clerk):
    case = accepted_case(implementation, citizen, clerk)
    case = lifecycle.enter_awaiting_payment(case, actor="payments", reason="缴纳工本费")
    assert case.status == S.AWAITING_PAYMENT
    assert case.pauses.get().kind == ClockPause.Kind.PAYMENT
    with pytest.raises(DomainError) as exc:
        lifecycle.enter_awaiting_payment(case, actor="payments")
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION
    case = lifecycle.payment_received(case, actor="payments")
    assert case.status == S.IN_REVIEW
    assert _events("cases.payment_received", case).count() == 1


def test_outputs_hook_runs_on_conclusion_of_approved_cases(
    gz_market_dept, citizen, clerk, approver
):
    implementation = make_implementation(gz_market_dept, outputs=["business_licence"])
    calls = []

    def issuer(case, outputs, *, actor):
        calls.append((case.number, outputs, actor))
        return "licence-1"

    hooks.register_output_issuer(issuer)
    try:
        case = accepted_case(implementation, citizen, clerk)
        lifecycle.decide_task(case.tasks.get(), actor=approver, approve=True, opinion="同意")
        case = lifecycle.conclude_case(case, actor=approver)
    finally:
        hooks.unregister_output_issuer(issuer)
    assert calls == [(case.number, ["business_licence"], approver)]


def test_output_issuer_failure_keeps_the_case_approved(gz_market_dept, citizen, clerk, approver):
    implementation = make_implementation(gz_market_dept, outputs=["business_licence"])

    def issuer(case, outputs, *, actor):
        raise DomainError("licence_failed", "证照签发失败")

    case = accepted_case(implementation, citizen, clerk)
    lifecycle.decide_task(case.tasks.get(), actor=approver, approve=True, opinion="同意")
    hooks.register_output_issuer(issuer)
    try:
        with pytest.raises(DomainError):
            lifecycle.conclude_case(case, actor=approver)
    finally:
        hooks.unregister_output_issuer(issuer)
    assert Case.objects.get(pk=case.pk).status == S.APPROVED


def test_conclude_only_after_a_decision(implementation, citizen, clerk, approver):
    case = accepted_case(implementation, citizen, clerk)
    with pytest.raises(DomainError) as exc:
        lifecycle.conclude_case(case, actor=approver)
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION
    assert "审查中" in exc.value.message
    assert Case.objects.get(pk=case.pk).status == S.IN_REVIEW


# --- withdrawal ------------------------------------------------------------------------------
def _case_in(state, implementation, citizen, clerk, approver):
    if state == S.SUBMITTED:
        return submitted_case(implementation, citizen)
    if state == S.CORRECTION_REQUESTED:
        case = submitted_case(implementation, citizen)
        lifecycle.request_correction(case, actor=clerk, items=[{"material": "a", "problem": "b"}])
        return Case.objects.get(pk=case.pk)
    case = accepted_case(implementation, citizen, clerk)
    if state == S.SUSPENDED:
        return lifecycle.suspend_case(case, actor=approver, reason="听证")
    if state == S.AWAITING_PAYMENT:
        return lifecycle.enter_awaiting_payment(case, actor="payments")
    if state in (S.APPROVED, S.DENIED, S.CONCLUDED):
        lifecycle.decide_task(
            case.tasks.get(), actor=approver, approve=state != S.DENIED, opinion="意见"
        )
        case.refresh_from_db()
        if state == S.CONCLUDED:
            case = lifecycle.conclude_case(case, actor=approver)
    return case


@pytest.mark.parametrize(
    "state",
    [S.SUBMITTED, S.CORRECTION_REQUESTED, S.IN_REVIEW, S.SUSPENDED, S.AWAITING_PAYMENT],
)
def test_withdraw_before_a_decision(state, implementation, citizen, clerk, approver):
    case = _case_in(state, implementation, citizen, clerk, approver)
    assert case.status == state
    case = lifecycle.withdraw_case(case, actor=citizen, reason="不再需要")
    assert case.status == S.WITHDRAWN
    assert not case.pauses.filter(ended_at__isnull=True).exists()
    assert not case.tasks.filter(status=CaseTask.Status.ACTIVE).exists()
    assert _events("cases.case_withdrawn", case).count() == 1


@pytest.mark.parametrize("state", [S.APPROVED, S.DENIED, S.CONCLUDED])
def test_no_withdrawal_after_the_decision(state, implementation, citizen, clerk, approver):
    case = _case_in(state, implementation, citizen, clerk, approver)
    before = _snapshot(case)
    with pytest.raises(DomainError) as exc:
        lifecycle.withdraw_case(case, actor=citizen)
    assert exc.value.code == CaseError.ILLEGAL_TRANSITION
    assert _snapshot(case) == before


def test_outsider_cannot_withdraw(implementation, citizen, outsider, clerk):
    case = submitted_case(implementation, citizen)
    with pytest.raises(DomainError) as exc:
        lifecycle.withdraw_case(case, actor=outsider)
    assert exc.value.code == CaseError.NOT_APPLICANT
    assert Case.objects.get(pk=case.pk).status == S.SUBMITTED


# --- every illegal move is refused ------------------------------------------------------------
ACTIONS = {
    "accept": (lambda c, p: lifecycle.accept_case(c, actor=p["clerk"]), S.IN_REVIEW),
    "reject": (lambda c, p: lifecycle.reject_case(c, actor=p["clerk"], reason="r"), S.NOT_ACCEPTED),
    "correction": (
        lambda c, p: lifecycle.request_correction(
            c, actor=p["clerk"], items=[{"material": "a", "problem": "b"}]
        ),
        S.CORRECTION_REQUESTED,
    ),
    "suspend": (
        lambda c, p: lifecycle.suspend_case(c, actor=p["approver"], reason="r"),
        S.SUSPENDED,
    ),
    "resume": (lambda c, p: lifecycle.resume_case(c, actor=p["approver"]), S.IN_REVIEW),
    "conclude": (lambda c, p: lifecycle.conclude_case(c, actor=p["approver"]), S.CONCLUDED),
    "pay": (lambda c, p: lifecycle.enter_awaiting_payment(c, actor="payments"), S.AWAITING_PAYMENT),
    "paid": (lambda c, p: lifecycle.payment_received(c, actor="payments"), S.IN_REVIEW),
}
# The states each action may start from (the rest must be refused).
ALLOWED_FROM = {
    "accept": {S.SUBMITTED},
    "reject": {S.SUBMITTED},
    "correction": {S.SUBMITTED, S.IN_REVIEW},
    "suspend": {S.IN_REVIEW},
    "resume": {S.SUSPENDED},
    "conclude": {S.APPROVED, S.DENIED},
    "pay": {S.IN_REVIEW},
    "paid": {S.AWAITING_PAYMENT},
}
STATES = [
    S.SUBMITTED,
    S.CORRECTION_REQUESTED,
    S.IN_REVIEW,
    S.SUSPENDED,
    S.AWAITING_PAYMENT,
    S.APPROVED,
    S.DENIED,
    S.CONCLUDED,
]


@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state(state, implementation, citizen, clerk, approver):
    people = {"clerk": clerk, "approver": approver}
    for name, (action, target) in ACTIONS.items():
        case = _case_in(state, implementation, citizen, clerk, approver)
        if state in ALLOWED_FROM[name]:
            action(case, people)
            assert Case.objects.get(pk=case.pk).status == target, (name, state)
            assert target in TRANSITIONS[state]
        else:
            before = _snapshot(case)
            with pytest.raises(DomainError) as exc:
                action(case, people)
            assert exc.value.code == CaseError.ILLEGAL_TRANSITION, (name, state)
            assert _snapshot(case) == before, (name, state)


def test_immediate_item_same_day(gz_market_dept, citizen, clerk, approver):
    implementation = make_implementation(
        gz_market_dept, handling_type="即办件", legal_days=0, promised_days=0
    )
    case = accepted_case(implementation, citizen, clerk)
    accepted_on = timezone.localdate(case.accepted_at)
    assert case.promised_deadline == case.legal_deadline
    assert (case.promised_deadline - accepted_on).days == 0
    lifecycle.decide_task(case.tasks.get(), actor=approver, approve=True, opinion="即办")
    case = lifecycle.conclude_case(Case.objects.get(pk=case.pk), actor=approver)
    assert case.status == S.CONCLUDED
    assert lifecycle.deadline_light(case) is None
