"""Canonical JSON: the exact bytes that are hashed and signed.

``canonical_json(obj)`` = UTF-8 JSON with keys sorted (by code point), no insignificant
whitespace, non-ASCII characters written as themselves (not ``\\uXXXX``). Only JSON-native
values are accepted — ``dict`` with ``str`` keys, ``list``/``tuple``, ``str``, ``int``,
``bool`` and ``None`` — so the same data always gives the same bytes on every platform.
Floats (whose text form differs between libraries), dates and decimals are refused with
``TypeError``: format them as strings first (dates as ``YYYY-MM-DD``).
"""

from __future__ import annotations

import json


def _check(value, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"canonical JSON keys must be str, not {type(key).__name__} at {path}"
                )
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise TypeError(
        f"canonical JSON accepts str, int, bool, None, list and dict; got "
        f"{type(value).__name__} at {path} (format floats, dates and decimals as strings)"
    )


def canonical_json(obj) -> bytes:
    """The canonical UTF-8 JSON bytes of ``obj`` (sorted keys, compact, no ASCII escaping)."""
    _check(obj, "$")
    return json.dumps(
        obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")
