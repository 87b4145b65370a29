"""Aggregate rating (好差评) shown on an item's guide page, through a provider hook.

The catalogue never imports the cases app; the evaluation code registers a provider::

    from tongban.catalog.ratings import register_rating_provider
    register_rating_provider(lambda item: {"count": 12, "average": 4.5, "good_rate": 0.92})

``item_rating(item)`` returns the last registered provider's answer
(``{"count": int, "average": float, "good_rate": float}`` with ``good_rate`` in 0..1), or
``None`` when no provider is registered or it has nothing to report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_providers: list[Callable] = []


def register_rating_provider(provider: Callable) -> Callable:
    """Register ``provider(item) -> dict | None`` (usable as a decorator); registering the
    same function twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_rating_provider(provider: Callable) -> None:
    if provider in _providers:
        _providers.remove(provider)


def item_rating(item) -> dict | None:
    if not _providers:
        return None
    result = _providers[-1](item)
    if not result:
        return None
    return {
        "count": int(result.get("count") or 0),
        "average": float(result.get("average") or 0),
        "good_rate": float(result.get("good_rate") or 0),
    }
