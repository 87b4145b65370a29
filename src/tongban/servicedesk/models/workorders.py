"""Service-desk models: workorders."""

__all__: list[str] = []
