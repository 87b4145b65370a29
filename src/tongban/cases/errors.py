"""Stable error codes of the cases app (clients rely on them; documented in the API).

Services raise ``DomainError(code, message, field)`` with a code from :class:`CaseError`.
"""


class CaseError:
    # lifecycle
    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_APPLICANT = "not_applicant"
    PERMISSION_DENIED = "permission_denied"
    ITEM_WITHDRAWN = "item_withdrawn"
    DUPLICATE_SUBMISSION = "duplicate_submission"
    REASON_REQUIRED = "reason_required"
    CORRECTION_ITEMS_REQUIRED = "correction_items_required"
    CORRECTION_ITEM_INVALID = "correction_item_invalid"
    ELIGIBILITY_BLOCKED = "eligibility_blocked"
    # tasks
    TASK_ALREADY_DECIDED = "task_already_decided"
    TASK_NOT_ACTIVE = "task_not_active"
    OPINION_REQUIRED = "opinion_required"
    # numbering
    NUMBER_FORMAT_INVALID = "number_format_invalid"
    # webhooks
    WEBHOOK_URL_INVALID = "webhook_url_invalid"
    WEBHOOK_EVENTS_INVALID = "webhook_events_invalid"
    # access
    NOT_FOUND = "not_found"
    UNKNOWN_ACTION = "unknown_action"


ALL_CODES = sorted(
    value for name, value in vars(CaseError).items() if name.isupper() and isinstance(value, str)
)
