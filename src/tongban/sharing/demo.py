"""Demo data of the sharing app, called by the demo province seed (idempotent)."""


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
