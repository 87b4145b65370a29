"""The shared province data the catalogue reads at run time (never copied into the app):
``service-items.yaml`` and ``licence-types.yaml`` in ``settings.SHARED_DATA_DIR``."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings


def data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)


def load_service_items(directory: Path | None = None) -> list[dict]:
    with open((directory or data_dir()) / "service-items.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def load_licence_types(directory: Path | None = None) -> list[dict]:
    with open((directory or data_dir()) / "licence-types.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


_names_cache: dict[tuple[str, float], dict[str, str]] = {}


def licence_type_names(directory: Path | None = None) -> dict[str, str]:
    """``{key: name}`` of the licence types (居民身份证, 营业执照...); re-read when the file
    changes."""
    path = (directory or data_dir()) / "licence-types.yaml"
    try:
        stamp = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return {}
    if stamp not in _names_cache:
        _names_cache.clear()
        _names_cache[stamp] = {row["key"]: row["name"] for row in load_licence_types(directory)}
    return _names_cache[stamp]
