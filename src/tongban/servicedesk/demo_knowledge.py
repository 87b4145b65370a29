"""Demo data of the service desk, called by the demo province seed (idempotent)."""


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
