"""Service-desk models: logistics."""

__all__: list[str] = []
