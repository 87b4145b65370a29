"""Payments models: finance."""

__all__: list[str] = []
