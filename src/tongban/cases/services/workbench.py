"""Workbench writes that combine lifecycle services: batch acceptance.

``batch_accept`` accepts several submitted cases, each through ``lifecycle.accept_case`` in
its own transaction: one case's refusal (wrong state, eligibility block, another unit's
case) never touches the others, and a case is either fully accepted (status, deadlines,
tasks, audit event) or left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.cases.selectors import workbench as wb
from tongban.core.exceptions import DomainError

ACCEPTED = "accepted"
REFUSED = "refused"


@dataclass
class BatchResult:
    number: str
    outcome: str  # accepted | refused
    code: str = ""
    message: str = ""
    status: str = ""  # the case's status afterwards ("" when not found)


def batch_accept(numbers: list[str], *, actor) -> list[BatchResult]:
    """Accept each case of ``numbers`` (in the given order) and report per case."""
    from tongban.cases.services import lifecycle

    results = []
    for number in numbers:
        try:
            # accept_case runs in its own transaction (and audits a refusal after rolling
            # back): no outer atomic block here, or the refusal's audit would roll back too.
            case = wb.access_workbench_case(actor, number)
            case = lifecycle.accept_case(case, actor=actor)
        except DomainError as exc:
            results.append(
                BatchResult(
                    number=number,
                    outcome=REFUSED,
                    code=exc.code,
                    message=exc.message,
                    status=_status_of(actor, number),
                )
            )
        else:
            results.append(
                BatchResult(
                    number=number, outcome=ACCEPTED, status=case.status, message=str(_("已受理"))
                )
            )
    return results


def _status_of(actor, number: str) -> str:
    try:
        return wb.access_workbench_case(actor, number).status
    except DomainError:
        return ""
