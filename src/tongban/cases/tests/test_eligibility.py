"""Eligibility check chain (联合惩戒 hook): warnings stored for the clerk, blocking refuses
acceptance, a broken check only warns."""

import pytest

from tongban.cases.errors import CaseError
from tongban.cases.models import Case
from tongban.cases.services import lifecycle
from tongban.cases.services.eligibility import (
    CheckResult,
    register_eligibility_check,
    unregister_eligibility_check,
)
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.testing.factories_cases import make_implementation, submitted_case


@pytest.fixture
def implementation(gz_market_dept):
    return make_implementation(gz_market_dept)


@pytest.fixture
def check():
    registered = []

    def add(fn):
        register_eligibility_check(fn)
        registered.append(fn)
        return fn

    yield add
    for fn in registered:
        unregister_eligibility_check(fn)


def test_warning_is_stored_and_acceptance_goes_on(check, implementation, citizen, clerk):
    check(lambda case: [CheckResult("credit.attention", "申请人存在一般失信记录")])
    case = submitted_case(implementation, citizen)
    assert case.eligibility_warnings[0]["code"] == "credit.attention"
    assert case.eligibility_warnings[0]["blocking"] is False
    case = lifecycle.accept_case(case, actor=clerk)
    assert case.status == Case.Status.IN_REVIEW
    assert [w["message"] for w in case.eligibility_warnings] == ["申请人存在一般失信记录"]


def test_blocking_result_refuses_acceptance(check, implementation, citizen, clerk):
    seen = []

    def blacklist(case):
        seen.append(case.applicant_code)
        return [CheckResult("credit.blacklisted", "申请人被列入严重失信主体名单", blocking=True)]

    check(blacklist)
    case = submitted_case(implementation, citizen)
    assert case.status == Case.Status.SUBMITTED  # submission is not refused
    assert case.eligibility_warnings[0]["blocking"] is True
    with pytest.raises(DomainError) as exc:
        lifecycle.accept_case(case, actor=clerk)
    assert exc.value.code == CaseError.ELIGIBILITY_BLOCKED
    assert "严重失信" in exc.value.message
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED and case.accepted_at is None
    assert not case.tasks.exists()
    refused = AuditEvent.objects.get(event_type="cases.action_refused")
    assert refused.data["code"] == CaseError.ELIGIBILITY_BLOCKED
    assert seen == [citizen.id_number, citizen.id_number]
    # the clerk can still refuse to accept, with a reason
    case = lifecycle.reject_case(case, actor=clerk, reason="联合惩戒：严重失信主体")
    assert case.status == Case.Status.NOT_ACCEPTED


def test_broken_check_only_warns(check, implementation, citizen, clerk):
    def broken(case):
        raise RuntimeError("credit platform down")

    check(broken)
    case = lifecycle.accept_case(submitted_case(implementation, citizen), actor=clerk)
    assert case.status == Case.Status.IN_REVIEW
    assert case.eligibility_warnings[0]["code"] == "eligibility.check_failed"
    assert case.eligibility_warnings[0]["blocking"] is False


def test_no_checks_no_warnings(implementation, citizen, clerk):
    case = lifecycle.accept_case(submitted_case(implementation, citizen), actor=clerk)
    assert case.eligibility_warnings == []
