"""Stages and parallel tasks (并联审批): task units resolved per region, joint departments
decide in their own unit, stage order, denial ends the case."""

import pytest

from tongban.cases.errors import CaseError
from tongban.cases.models import Case, CaseTask
from tongban.cases.selectors import access_case
from tongban.cases.services import lifecycle
from tongban.cases.services.workflow import resolve_task_unit
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.models import AuditEvent
from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory
from tongban.testing.factories_cases import accepted_case, make_implementation

JOINT = [
    ("受理审查", [("登记审查", "市场监督管理局")]),
    (
        "联合审批",
        [
            ("规划审查", "规划和自然资源局"),
            ("消防审查", "住房和城乡建设局"),
        ],
    ),
    ("决定", [("许可决定", "市场监督管理局")]),
]


def _dept(region, name):
    return OrgUnitFactory(
        code=f"{region.division_code}-{name}",
        name=name,
        kind="department",
        division_code=region.division_code,
        parent=region,
    )


def _approver(unit, username):
    user = StaffFactory(username=username, name=f"{unit.name}审批员")
    RoleAssignmentFactory(user=user, org_unit=unit, role="approver")
    return user


@pytest.fixture
def tianhe(guangzhou):
    return OrgUnitFactory(
        code="440106", name="天河区", kind="county", division_code="440106", parent=guangzhou
    )


@pytest.fixture
def units(guangzhou, tianhe, gz_market_dept):
    return {
        "planning_city": _dept(guangzhou, "规划和自然资源局"),
        "housing_city": _dept(guangzhou, "住房和城乡建设局"),
        "housing_tianhe": _dept(tianhe, "住房和城乡建设局"),
        "market_tianhe": _dept(tianhe, "市场监督管理局"),
    }


def test_resolution_prefers_the_case_region_then_ancestors(units, gz_market_dept):
    market_tianhe = units["market_tianhe"]
    assert resolve_task_unit(market_tianhe, "市场监督管理局") == market_tianhe
    assert resolve_task_unit(market_tianhe, "住房和城乡建设局") == units["housing_tianhe"]
    # no planning bureau in 天河区: the city's
    assert resolve_task_unit(market_tianhe, "规划和自然资源局") == units["planning_city"]
    assert resolve_task_unit(gz_market_dept, "住房和城乡建设局") == units["housing_city"]
    assert resolve_task_unit(gz_market_dept, "不存在的局") is None


def test_parallel_joint_approval(units, gz_market_dept, citizen, clerk, approver):
    implementation = make_implementation(gz_market_dept, stages=JOINT)
    planner = _approver(units["planning_city"], "planner")
    builder = _approver(units["housing_city"], "builder")
    case = accepted_case(implementation, citizen, clerk)
    tasks = {t.name: t for t in case.tasks.all()}
    assert [t.status for t in case.tasks.order_by("stage_position", "id")] == [
        "active",
        "waiting",
        "waiting",
        "waiting",
    ]
    assert tasks["规划审查"].org_unit == units["planning_city"]
    assert tasks["消防审查"].org_unit == units["housing_city"]

    # a joint department cannot act on a task that has not started
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(tasks["规划审查"], actor=planner, approve=True, opinion="同意")
    assert exc.value.code == CaseError.TASK_NOT_ACTIVE

    lifecycle.decide_task(tasks["登记审查"], actor=approver, approve=True, opinion="同意")
    assert set(
        CaseTask.objects.filter(stage_position=2, case=case).values_list("status", flat=True)
    ) == {"active"}

    # the market approver may not decide the planning bureau's task, nor the reverse
    with pytest.raises(DomainError) as exc:
        lifecycle.decide_task(tasks["规划审查"], actor=approver, approve=True, opinion="同意")
    assert exc.value.code == CaseError.PERMISSION_DENIED
    with pytest.raises(DomainError):
        lifecycle.decide_task(tasks["消防审查"], actor=planner, approve=True, opinion="同意")
    assert CaseTask.objects.get(pk=tasks["规划审查"].pk).status == "active"
    assert AuditEvent.objects.filter(event_type="cases.action_refused").count() == 3

    # the joint departments see and review the case through access_case
    assert access_case(planner, case.number, "review") == case
    assert access_case(planner, case.number, "view") == case
    with pytest.raises(NotFound):
        access_case(planner, case.number, "accept")

    lifecycle.decide_task(tasks["规划审查"], actor=planner, approve=True, opinion="符合规划")
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW
    assert CaseTask.objects.get(pk=tasks["许可决定"].pk).status == "waiting"
    lifecycle.decide_task(tasks["消防审查"], actor=builder, approve=True, opinion="消防合格")
    assert CaseTask.objects.get(pk=tasks["许可决定"].pk).status == "active"
    lifecycle.decide_task(tasks["许可决定"], actor=approver, approve=True, opinion="准予许可")
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED


def test_one_joint_denial_ends_the_case(units, gz_market_dept, citizen, clerk, approver):
    implementation = make_implementation(gz_market_dept, stages=JOINT)
    planner = _approver(units["planning_city"], "planner")
    case = accepted_case(implementation, citizen, clerk)
    tasks = {t.name: t for t in case.tasks.all()}
    lifecycle.decide_task(tasks["登记审查"], actor=approver, approve=True, opinion="同意")
    lifecycle.decide_task(tasks["规划审查"], actor=planner, approve=False, opinion="不符合控规")
    case.refresh_from_db()
    assert case.status == Case.Status.DENIED
    assert case.decision_reason == "不符合控规"
    statuses = dict(case.tasks.values_list("name", "status"))
    assert statuses == {
        "登记审查": "approved",
        "规划审查": "denied",
        "消防审查": "cancelled",
        "许可决定": "cancelled",
    }


def test_county_case_uses_city_department_when_missing(units, citizen, tianhe):
    market_tianhe = units["market_tianhe"]
    clerk = StaffFactory(username="th_clerk")
    RoleAssignmentFactory(user=clerk, org_unit=market_tianhe, role="window_clerk")
    implementation = make_implementation(market_tianhe, stages=JOINT)
    case = accepted_case(implementation, citizen, clerk)
    units_by_task = {t.name: t.org_unit for t in case.tasks.all()}
    assert units_by_task["规划审查"] == units["planning_city"]
    assert units_by_task["消防审查"] == units["housing_tianhe"]
    assert units_by_task["登记审查"] == market_tianhe


def test_unknown_department_falls_back_to_the_case_unit(gz_market_dept, citizen, clerk):
    implementation = make_implementation(
        gz_market_dept, stages=[("审查", [("特殊审查", "不存在的局")])]
    )
    case = accepted_case(implementation, citizen, clerk)
    assert case.tasks.get().org_unit == gz_market_dept
    event = AuditEvent.objects.get(event_type="cases.case_accepted")
    assert event.data["unresolved_departments"] == ["不存在的局"]


def test_version_without_stages_gets_one_review_task(gz_market_dept, citizen, clerk, approver):
    implementation = make_implementation(gz_market_dept, stages=[])
    case = accepted_case(implementation, citizen, clerk)
    task = case.tasks.get()
    assert task.status == "active" and task.org_unit == gz_market_dept
    lifecycle.decide_task(task, actor=approver, approve=True, opinion="同意")
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED
