"""A per-process value rebuilt when its revision token changes (search indexes).

    _indexes = RevisionCache(build_index, current_token, warm=load_tokenizer)
    index = _indexes.get()      # rebuilt once when the token moved on; empty token: always
    _indexes.invalidate()

The common path reads without the lock; a rebuild is double-checked under it, so concurrent
requests build once. ``warm`` runs outside the lock before a rebuild (slow one-off loads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class RevisionCache(Generic[T]):
    def __init__(
        self,
        build: Callable[[str], T],
        token: Callable[[], str],
        *,
        warm: Callable[[], object] | None = None,
    ):
        self._build, self._token, self._warm = build, token, warm
        self._lock = threading.Lock()
        self._cached: tuple[str, T] | None = None

    def get(self) -> T:
        token = self._token()
        cached = self._cached
        if cached is not None and token and cached[0] == token:
            return cached[1]
        if self._warm is not None:
            self._warm()
        with self._lock:
            cached = self._cached
            if cached is None or not token or cached[0] != token:
                cached = (token, self._build(token))
                self._cached = cached
            return cached[1]

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None
