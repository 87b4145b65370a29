"""Sharing models: opendata."""

__all__: list[str] = []
