"""Service-desk models: knowledge."""

__all__: list[str] = []
