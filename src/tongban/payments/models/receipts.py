"""Payments models: receipts."""

__all__: list[str] = []
