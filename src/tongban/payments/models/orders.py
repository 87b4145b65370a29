"""Payments models: orders."""

__all__: list[str] = []
