"""Uploaded files: size limit, type by content (magic bytes), SM3, private storage.

Accepted: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (``89 50 4E 47 0D 0A 1A 0A``) and OFD
(GB/T 33190: a ZIP archive, ``PK 03 04``, whose root holds ``OFD.xml``). The file name and
the browser's content type are ignored. Limit: ``settings.CASE_UPLOAD_MAX_BYTES``
(default 10 MiB).
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tongban.cases.errors_applications import ApplicationError, error
from tongban.cases.storage import private_storage
from tongban.core.crypto import sm3

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
ALLOWED_TYPES = (PDF, JPEG, PNG, OFD)


def max_upload_bytes() -> int:
    return int(getattr(settings, "CASE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _is_ofd(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.lstrip("/") == "OFD.xml" for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def sniff_content_type(content: bytes) -> str | None:
    """The accepted type of ``content`` by its magic bytes, else None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04") and _is_ofd(content):
        return OFD
    return None


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    size: int
    sm3: str
    original_name: str


def read_checked(uploaded_file, *, field: str = "file") -> CheckedFile:
    """Read ``uploaded_file`` (a Django ``UploadedFile`` or any object with ``read`` and
    ``name``) and refuse it when empty, over the limit or not an accepted type."""
    if uploaded_file is None:
        raise error(ApplicationError.FILE_EMPTY, field=field)
    limit = max_upload_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit, field)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    if len(content) > limit:
        raise _too_large(limit, field)
    if not content:
        raise error(ApplicationError.FILE_EMPTY, field=field)
    content_type = sniff_content_type(content)
    if content_type is None:
        raise error(ApplicationError.FILE_TYPE_NOT_ALLOWED, field=field)
    name = str(getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return CheckedFile(
        content=content,
        content_type=content_type,
        size=len(content),
        sm3=sm3.hexdigest(content),
        original_name=name[:200],
    )


def _too_large(limit: int, field: str):
    megabytes = limit / (1024 * 1024)
    return error(
        ApplicationError.FILE_TOO_LARGE,
        field=field,
        message=f"文件过大，单个文件不能超过 {megabytes:g} MB",
    )


def store(checked: CheckedFile) -> str:
    """Write the content to private storage under a random name; return the stored name."""
    from django.core.files.base import ContentFile

    from tongban.cases.models.materials import EXTENSIONS

    today = timezone.localdate()
    name = (
        f"cases/{today:%Y}/{today:%m}/{secrets.token_hex(16)}"
        f"{EXTENSIONS.get(checked.content_type, '')}"
    )
    return private_storage().save(name, ContentFile(checked.content))


def discard(name: str) -> None:
    """Remove a stored file (used when the database write that referenced it fails)."""
    if name:
        private_storage().delete(name)
