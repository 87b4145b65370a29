"""Private storage of case materials: outside the web root, never under ``MEDIA_URL``.

Files live under ``settings.PRIVATE_MEDIA_ROOT`` (default ``VAR_DIR / "private"``), read
each time so tests and deployments can move it. They have no URL: the only way out is
:func:`material_response`, called by views that have already checked access to the case.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse


def private_root() -> Path:
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.VAR_DIR) / "private"
    root = Path(root).resolve()
    media = getattr(settings, "MEDIA_ROOT", None)
    if media:
        media = Path(media).resolve()
        if root == media or media in root.parents:
            raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT")
    return root


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at :func:`private_root`, without URLs."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return str(private_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private case materials have no URL; serve them through a view")

    def deconstruct(self):
        return ("tongban.cases.storage.PrivateStorage", (), {})


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of ``CaseMaterial.file`` (a callable, so migrations stay stable)."""
    return _storage


def material_response(case_material) -> FileResponse:
    """Download of one stored material: attachment, exact content type, ``nosniff``.

    The caller must have checked access to the case (applicant or staff of its unit)."""
    handle = case_material.file.open("rb")
    name = case_material.download_name()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=case_material.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
