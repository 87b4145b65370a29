"""Sharing models: access."""

__all__: list[str] = []
