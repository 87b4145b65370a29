"""12345 work orders. (Contract; being implemented.)"""


def create_work_order(
    *,
    actor,
    kind: str,
    channel: str,
    title: str,
    content: str,
    contact_name: str = "",
    contact_mobile: str = "",
    division_code: str = "",
    location: str = "",
    source_ref: str = "",
):
    """Register a work order (受理) and return it. ``kind``: consultation | complaint |
    suggestion | help; ``channel``: web | chat | hotline | open311. Raises DomainError on bad
    input (empty or oversized text, rate limit)."""
    raise NotImplementedError
