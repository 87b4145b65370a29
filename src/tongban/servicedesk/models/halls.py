"""Service-desk models: halls."""

__all__: list[str] = []
