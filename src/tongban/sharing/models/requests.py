"""Sharing models: requests."""

__all__: list[str] = []
