"""Sharing models: catalogue."""

__all__: list[str] = []
