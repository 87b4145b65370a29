"""Demo data of the payments app, called by the demo province seed (idempotent)."""


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
