"""Downloads of one dataset version as CSV (UTF-8 with BOM, opens in Excel), JSON or XLSX.

CSV and JSON stream row by row; XLSX is written with openpyxl's write-only mode to a
temporary file first (a workbook is a zip archive).
"""

import csv
import json
import tempfile

from django.http import FileResponse, StreamingHttpResponse

from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.services.datasets import iter_version_rows

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, one is the header


class _Echo:
    def write(self, value):
        return value


def _csv_stream(version, columns):
    keys = [column["key"] for column in columns]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column["name"] for column in columns])
    for values in iter_version_rows(version, keys):
        yield writer.writerow(["" if value is None else _cell(value) for value in values])


def _cell(value):
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def _json_stream(version, columns):
    keys = [column["key"] for column in columns]
    head = {
        "resource": version.resource.code,
        "version": version.number,
        "fields": [{"id": c["key"], "name": c["name"], "type": c["type"]} for c in columns],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    first = True
    for values in iter_version_rows(version, keys):
        record = json.dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False)
        yield record if first else "," + record
        first = False
    yield "]}"


def _xlsx_file(version, columns):
    import openpyxl

    keys = [column["key"] for column in columns]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"v{version.number}")
    sheet.append([column["name"] for column in columns])
    for values in iter_version_rows(version, keys):
        sheet.append([_cell(value) for value in values])
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return target


def download_response(version, columns, fmt: str, *, basename: str):
    if fmt not in FORMATS:
        raise error(OpenDataError.UNSUPPORTED_FORMAT, field="format")
    filename = f"{basename}.{fmt}"
    if fmt == "xlsx" and version.row_count > XLSX_MAX_ROWS:
        raise error(OpenDataError.TOO_MANY_ROWS_FOR_XLSX, field="format")
    if fmt == "xlsx":
        return FileResponse(
            _xlsx_file(version, columns),
            as_attachment=True,
            filename=filename,
            content_type=FORMATS[fmt],
        )
    stream = _csv_stream(version, columns) if fmt == "csv" else _json_stream(version, columns)
    response = StreamingHttpResponse(stream, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
