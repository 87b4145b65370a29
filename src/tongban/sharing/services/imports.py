"""Importing a CSV/XLSX file as a new version of a dataset-backed resource.

``start_import`` (page and API) checks the file at once — type, size, header against the
declared data items — stores it and queues ``tasks_opendata.run_dataset_import``; a refused
file changes nothing. ``run_import`` (the task) reads every row into a staging version,
checking types, lengths, required items and ID-number/credit-code check digits, and keeps
``ImportJob.progress`` current for the progress bar. Only when every row passes does the
staging version become the current one, in one transaction with its audit event; otherwise
the staging rows are deleted and the current version stays as it was (nothing half-imported).

The header may name items by key (``pharmacy_name``) or by name (``药店名称``); optional
items may be left out; columns the resource does not declare are refused.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _t

from tongban.core import audit, permissions
from tongban.core.exceptions import DomainError
from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.models import DatasetRow, DatasetVersion, ImportJob, Resource
from tongban.sharing.permissions_opendata import SHARING_IMPORT_DATASET
from tongban.sharing.services.datasets import ValueProblem, column_snapshot, make_converter

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000  # rows per bulk insert and per progress update
MAX_REJECTIONS_KEPT = 100  # rejected rows reported in detail (all are counted)
SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
CSV_EXTENSIONS = {".csv", ".txt"}


def max_upload_bytes() -> int:
    return getattr(settings, "TONGBAN_DATASET_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)


# --- reading files ----------------------------------------------------------------------
def detect_format(name: str, head: bytes) -> str:
    """``"csv"`` or ``"xlsx"`` from the file name and its first bytes, else refused."""
    extension = os.path.splitext(name or "")[1].lower()
    if extension == ".xlsx" and head.startswith(XLSX_MAGIC):
        return "xlsx"
    if extension in CSV_EXTENSIONS and b"\x00" not in head and not head.startswith(XLSX_MAGIC):
        return "csv"
    raise error(OpenDataError.UNSUPPORTED_FILE_TYPE, field="file")


def _csv_encoding(head: bytes) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list]]  # (line number in the file, cells)
    progress: Callable[[], int]  # percent read (0-100)
    close: Callable[[], object]


def open_table(fileobj, file_format: str, size: int) -> Table:
    """The header and a row iterator of a CSV (UTF-8 or GB18030) or XLSX file."""
    if file_format == "xlsx":
        return _open_xlsx(fileobj)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    text = io.TextIOWrapper(fileobj, encoding=_csv_encoding(head), newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        raise error(OpenDataError.UNREADABLE_FILE, field="file") from None
    if header is None:
        raise error(OpenDataError.EMPTY_FILE, field="file")

    def rows():
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                yield reader.line_num, cells
        except (UnicodeDecodeError, csv.Error):
            raise error(OpenDataError.UNREADABLE_FILE, field="file") from None

    def progress():
        try:
            return min(99, int(fileobj.tell() * 100 / size)) if size else 0
        except (OSError, ValueError):
            return 0

    return Table([cell.strip() for cell in header], rows(), progress, text.detach)


def _open_xlsx(fileobj) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        first = next(iterator, None)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        logger.info("unreadable xlsx: %s", exc)
        raise error(OpenDataError.UNREADABLE_FILE, field="file") from None
    if first is None:
        raise error(OpenDataError.EMPTY_FILE, field="file")
    header = [("" if cell is None else str(cell)).strip() for cell in first]
    while header and not header[-1]:
        header.pop()
    total = sheet.max_row or 0
    state = {"line": 1}

    def rows():
        for cells in iterator:
            state["line"] += 1
            values = list(cells)
            if not any(value not in (None, "") for value in values):
                continue
            yield state["line"], values

    def progress():
        return min(99, int(state["line"] * 100 / total)) if total else 0

    return Table(header, rows(), progress, workbook.close)


# --- header -------------------------------------------------------------------------------
@dataclass
class Column:
    item: object
    index: int | None  # position in the file; None when the optional item is left out
    convert: Callable


def map_header(header: list[str], items: list) -> list[Column]:
    """Match the file's header to the resource's items (by key or name)."""
    if not any(header):
        raise error(OpenDataError.EMPTY_FILE, field="file")
    by_label = {}
    for item in items:
        by_label[item.key.lower()] = item
        by_label[item.name.strip().lower()] = item
    seen: dict[str, int] = {}
    unknown, duplicates = [], []
    for index, label in enumerate(header):
        item = by_label.get(label.strip().lower())
        if item is None:
            if label:
                unknown.append(label)
            continue
        if item.key in seen:
            duplicates.append(label)
            continue
        seen[item.key] = index
    if duplicates:
        raise error(
            OpenDataError.DUPLICATE_COLUMNS,
            field="file",
            message=_t("表头有重复的列：%(cols)s") % {"cols": "、".join(duplicates)},
        )
    if unknown:
        raise error(
            OpenDataError.UNKNOWN_COLUMNS,
            field="file",
            message=_t("表头中有资源未登记的列：%(cols)s") % {"cols": "、".join(unknown[:10])},
        )
    missing = [item.name for item in items if item.required and item.key not in seen]
    if missing:
        raise error(
            OpenDataError.MISSING_COLUMNS,
            field="file",
            message=_t("表头缺少必填信息项的列：%(cols)s") % {"cols": "、".join(missing)},
        )
    return [Column(item, seen.get(item.key), make_converter(item)) for item in items]


def check_row(cells: list, columns: list[Column], width: int) -> tuple[dict, list[str]]:
    """The row as ``{key: value}`` and the reasons it is refused (empty when it passes)."""
    reasons = []
    if len(cells) > width and any(str(cell).strip() for cell in cells[width:] if cell is not None):
        reasons.append(_t("列数多于表头"))
    data = {}
    for column in columns:
        raw = (
            cells[column.index] if column.index is not None and column.index < len(cells) else None
        )
        try:
            value = column.convert(raw)
        except ValueProblem as problem:
            reasons.append(f"{column.item.name}：{problem}")
            continue
        if value is None and column.item.required:
            reasons.append(_t("%(name)s：必填") % {"name": column.item.name})
        data[column.item.key] = value
    return data, reasons


# --- starting -----------------------------------------------------------------------------
def _items(resource: Resource) -> list:
    items = list(resource.items.all().order_by("position", "pk"))
    if not items:
        raise error(OpenDataError.NO_DATA_ITEMS)
    return items


def start_import(resource: Resource, *, upload, note: str = "", actor) -> ImportJob:
    """Check ``upload`` (a Django ``UploadedFile``) and queue its import; refused files
    raise ``DomainError`` and leave nothing behind. ``actor`` needs
    ``sharing.import_dataset`` in the resource's providing department."""
    permissions.check_perm(actor, SHARING_IMPORT_DATASET, resource.provider)
    return _check_and_queue(resource, upload=upload, note=note, actor=actor, created_by=actor)


def start_import_by_system(resource: Resource, *, upload, note: str = "", application) -> ImportJob:
    """``start_import`` for a department system (client-credentials token with the
    ``sharing:datasets`` scope): its registered org unit must be the providing department or
    above it."""
    from tongban.identity.oidc.validators import active_policy

    policy = active_policy(application)
    unit = getattr(policy, "org_unit", None)
    provider = resource.provider
    if unit is None or not (unit.pk == provider.pk or provider.path.startswith(unit.path or "-")):
        raise error(OpenDataError.RESOURCE_NOT_FOUND)
    label = f"system:{application.client_id}"[:100]
    return _check_and_queue(
        resource, upload=upload, note=note, actor=label, created_by=None, system=label
    )


def _check_and_queue(resource, *, upload, note, actor, created_by, system: str = "") -> ImportJob:
    if resource.backing != Resource.Backing.DATASET:
        raise error(OpenDataError.NOT_DATASET_BACKED)
    items = _items(resource)
    if upload is None:
        raise error(OpenDataError.FILE_REQUIRED, field="file")
    note = (note or "").strip()
    if len(note) > 200:
        raise error(OpenDataError.NOTE_TOO_LONG, field="note")
    if upload.size > max_upload_bytes():
        raise error(
            OpenDataError.FILE_TOO_LARGE,
            field="file",
            message=_t("文件过大（上限 %(mb)d MB）") % {"mb": max_upload_bytes() // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    file_format = detect_format(upload.name, head)
    table = open_table(upload.file if hasattr(upload, "file") else upload, file_format, upload.size)
    try:
        map_header(table.header, items)
    finally:
        try:
            table.close()
        except (ValueError, OSError):  # pragma: no cover - already closed
            pass
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if ImportJob.objects.filter(resource=resource, status__in=ImportJob.ACTIVE).exists():
        raise error(OpenDataError.IMPORT_IN_PROGRESS)
    try:
        with transaction.atomic():
            job = ImportJob(
                resource=resource,
                file_name=os.path.basename(upload.name)[:200],
                file_format=file_format,
                file_size=upload.size,
                note=note,
                created_by=created_by,
                submitted_by_system=system,
            )
            job.file.save(
                f"{resource.pk}-{digest.hexdigest()[:16]}.{file_format}", upload, save=False
            )
            job.save()
            audit.record(
                "sharing.dataset_import_started",
                actor=actor,
                target=job,
                org_unit=resource.provider,
                data={
                    "resource": resource.code,
                    "file": job.file_name,
                    "format": file_format,
                    "size": upload.size,
                    "sha256": digest.hexdigest(),
                },
            )
            job_id = job.pk
            transaction.on_commit(lambda: _enqueue(job_id))
    except IntegrityError:
        raise error(OpenDataError.IMPORT_IN_PROGRESS) from None
    return job


def start_import_bytes(resource, *, name: str, content: bytes, note: str = "", actor) -> ImportJob:
    """``start_import`` for bytes already in memory (API, demo seed, tests)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return start_import(resource, upload=SimpleUploadedFile(name, content), note=note, actor=actor)


def _enqueue(job_id: int) -> None:
    from tongban.sharing.tasks_opendata import run_dataset_import

    try:
        run_dataset_import.enqueue(job_id)
    except Exception:  # noqa: BLE001 - the job stays pending; the periodic sweep retries it
        logger.exception("could not enqueue dataset import %s", job_id)


# --- running ------------------------------------------------------------------------------
def run_import(job_id: int) -> ImportJob | None:
    """Run one queued import (the task calls this). Claims the job atomically; a job that is
    not pending (already run, or claimed by another worker) is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return None
    job = ImportJob.objects.select_related("resource__provider", "created_by").get(pk=job_id)
    version = None
    try:
        items = _items(job.resource)
        version = DatasetVersion.objects.create(
            resource=job.resource,
            columns=column_snapshot(items),
            source_name=job.file_name,
            note=job.note,
            created_by=job.created_by,
        )
        ImportJob.objects.filter(pk=job.pk).update(version=version)
        job.version = version
        with job.file.open("rb") as stored:
            table = open_table(
                stored.file if hasattr(stored, "file") else stored, job.file_format, job.file_size
            )
            outcome = _load_rows(job, version, table, items)
        if outcome["rejected"] or outcome["rows"] == 0:
            finished = _finish_rejected(job, version, outcome)
        else:
            finished = _accept(job, version, outcome)
    except DomainError as exc:
        finished = _finish_failed(job, version, exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - any failure must leave nothing half-imported
        logger.exception("dataset import %s failed", job.pk)
        finished = _finish_failed(
            job, version, "import_failed", _t("导入失败：%(e)s") % {"e": exc.__class__.__name__}
        )
    _drop_file(job)
    finished.refresh_from_db()
    return finished


def _load_rows(job: ImportJob, version: DatasetVersion, table: Table, items) -> dict:
    columns = map_header(table.header, items)
    width = len(table.header)
    lookup_key = job.resource.lookup_key
    batch: list[DatasetRow] = []
    rows = rejected = 0
    rejections: list[dict] = []

    def flush():
        if batch:
            DatasetRow.objects.bulk_create(batch)
            batch.clear()

    read = 0
    for line, cells in table.rows:
        read += 1
        data, reasons = check_row(cells, columns, width)
        if reasons:
            rejected += 1
            if len(rejections) < MAX_REJECTIONS_KEPT:
                rejections.append({"line": line, "reasons": reasons})
            batch.clear()  # once a row is refused nothing more is stored
            continue
        if rejected:
            continue
        rows += 1
        lookup = data.get(lookup_key) if lookup_key else None
        batch.append(
            DatasetRow(
                version=version,
                line=rows,
                lookup_value="" if lookup is None else str(lookup)[:200],
                data=data,
            )
        )
        if len(batch) >= CHUNK_ROWS:
            flush()
        if read % CHUNK_ROWS == 0:
            ImportJob.objects.filter(pk=job.pk).update(
                rows_read=read, rows_rejected=rejected, progress=table.progress()
            )
    if not rejected:
        flush()
    table.close()
    return {"rows": rows, "read": read, "rejected": rejected, "rejections": rejections}


def _job_actor(job: ImportJob):
    return job.created_by or job.submitted_by_system or "worker"


def _discard(version: DatasetVersion | None) -> None:
    if version is None:
        return
    DatasetRow.objects.filter(version=version).delete()
    DatasetVersion.objects.filter(pk=version.pk).update(status=DatasetVersion.Status.DISCARDED)


def _accept(job: ImportJob, version: DatasetVersion, outcome: dict) -> ImportJob:
    resource = job.resource
    with transaction.atomic():
        # serialise version numbering per resource (SQLite: BEGIN IMMEDIATE already does)
        list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))
        previous = (
            DatasetVersion.objects.filter(resource=resource, is_current=True)
            .values_list("number", flat=True)
            .first()
        )
        number = (
            DatasetVersion.objects.filter(resource=resource).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        DatasetVersion.objects.filter(resource=resource, is_current=True).update(is_current=False)
        now = timezone.now()
        DatasetVersion.objects.filter(pk=version.pk).update(
            number=number,
            status=DatasetVersion.Status.ACCEPTED,
            is_current=True,
            row_count=outcome["rows"],
            accepted_at=now,
            source_sha256=_file_sha256(job),
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.ACCEPTED,
            progress=100,
            rows_read=outcome["read"],
            rows_rejected=0,
            finished_at=now,
        )
        audit.record(
            "sharing.dataset_imported",
            actor=_job_actor(job),
            target=job,
            org_unit=resource.provider,
            data={
                "resource": resource.code,
                "version": number,
                "previous_version": previous,
                "rows": outcome["rows"],
                "file": job.file_name,
            },
        )
    job.refresh_from_db()
    return job


def _file_sha256(job: ImportJob) -> str:
    digest = hashlib.sha256()
    with job.file.open("rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def _drop_file(job: ImportJob) -> None:
    """The uploaded file is not kept once the import has an outcome: accepted rows live in
    the version (its SHA-256 is recorded), refused files may hold wrong personal data. Only
    the name, size and digest stay (job, version, audit trail)."""
    name = job.file.name
    if not name:
        return
    storage = job.file.storage
    ImportJob.objects.filter(pk=job.pk).update(file="")
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - the row no longer points at it either way
        logger.warning("could not delete import file %s", name)


def _finish_rejected(job: ImportJob, version: DatasetVersion, outcome: dict) -> ImportJob:
    _discard(version)
    code = OpenDataError.ROWS_REJECTED if outcome["rejected"] else OpenDataError.EMPTY_FILE
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.REJECTED,
            progress=100,
            rows_read=outcome["read"],
            rows_rejected=outcome["rejected"],
            rejections=outcome["rejections"],
            error_code=code,
            error_message=str(error(code).message),
            finished_at=timezone.now(),
        )
        audit.record(
            "sharing.dataset_import_rejected",
            actor=_job_actor(job),
            target=job,
            org_unit=job.resource.provider,
            data={
                "resource": job.resource.code,
                "rows_read": outcome["read"],
                "rows_rejected": outcome["rejected"],
                "file": job.file_name,
            },
        )
    job.refresh_from_db()
    return job


def _finish_failed(job: ImportJob, version, code: str, message: str) -> ImportJob:
    _discard(version)
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            progress=100,
            error_code=str(code)[:64],
            error_message=str(message)[:500],
            finished_at=timezone.now(),
        )
        audit.record(
            "sharing.dataset_import_failed",
            actor=_job_actor(job),
            target=job,
            org_unit=job.resource.provider,
            data={"resource": job.resource.code, "code": str(code), "file": job.file_name},
        )
    job.refresh_from_db()
    return job


def sweep_stale_imports(*, older_than_seconds: int = 3600) -> int:
    """Fail jobs stuck in ``running`` (their worker died; staging rows are deleted) and
    re-queue old ``pending`` ones; returns the number of jobs touched."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    touched = 0
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, started_at__lt=cutoff)
    for job in stale.select_related("resource__provider", "version", "created_by"):
        _finish_failed(job, job.version, "import_interrupted", _t("导入中断，请重新上传文件"))
        _drop_file(job)
        touched += 1
    pending = ImportJob.objects.filter(status=ImportJob.Status.PENDING, created_at__lt=cutoff)
    for job_id in pending.values_list("pk", flat=True):
        _enqueue(job_id)
        touched += 1
    return touched
