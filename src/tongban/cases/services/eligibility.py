"""Eligibility check chain (联合惩戒 hook): pluggable checks run before acceptance.

A check is a callable ``fn(case) -> list[CheckResult]``; register it once at import time::

    from tongban.cases.services.eligibility import CheckResult, register_eligibility_check

    @register_eligibility_check
    def credit_blacklist(case):
        if on_blacklist(case.applicant_code):
            return [CheckResult("credit.blacklisted", "申请人被列入严重失信主体名单", blocking=True)]
        return []

The chain runs at submission (results stored on the case for the clerk to see) and again
at acceptance: a blocking result refuses the acceptance ("eligibility_blocked"); warnings
are stored in ``Case.eligibility_warnings`` and shown on the workbench. A check that raises
is reported as a warning ("eligibility.check_failed") rather than blocking the case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    code: str
    message: str
    blocking: bool = False

    def as_dict(self, checked_at: str) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "blocking": bool(self.blocking),
            "checked_at": checked_at,
        }


EligibilityCheck = Callable[[object], list[CheckResult]]
_checks: list[EligibilityCheck] = []


def register_eligibility_check(fn: EligibilityCheck) -> EligibilityCheck:
    """Add ``fn`` to the chain (idempotent); usable as a decorator."""
    if fn not in _checks:
        _checks.append(fn)
    return fn


def unregister_eligibility_check(fn: EligibilityCheck) -> None:
    if fn in _checks:
        _checks.remove(fn)


def registered_checks() -> list[EligibilityCheck]:
    return list(_checks)


def run_checks(case) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in list(_checks):
        try:
            results.extend(check(case) or [])
        except Exception:  # a broken check must not block every application
            logger.exception("eligibility check %r failed", check)
            name = getattr(check, "__name__", "check")
            results.append(
                CheckResult("eligibility.check_failed", f"资格核查“{name}”执行失败，请人工核实。")
            )
    return results


def store_results(case, results: list[CheckResult]) -> list[dict]:
    """Put the results on the case (saved by the caller)."""
    stamp = timezone.now().isoformat()
    case.eligibility_warnings = [result.as_dict(stamp) for result in results]
    return case.eligibility_warnings


def blocking(results: list[CheckResult]) -> list[CheckResult]:
    return [result for result in results if result.blocking]
