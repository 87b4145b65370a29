"""Uploaded datasets backing a resource: typed values, versions and row queries.

Values are checked and normalised against the resource's data items (``DataItem``):
``string`` (length, and the GB 11643 / GB 32100 check for items that hold an ID number or a
credit code), ``integer``, ``decimal`` (stored as its exact text), ``date`` (ISO text) and
``boolean``. Rows are stored as ``{item key: value}`` JSON per version.

``query_rows`` is the gateway's read of a dataset-backed resource (current version only);
``version_rows`` serves the portal, the downloads and CKAN ``datastore_search``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _t

from tongban.core import codes
from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.models import DataItem, DatasetRow, DatasetVersion, Resource

# Items holding an ID number or a credit code are recognised by key or name (the catalogue
# has no separate "code kind" attribute); their values are checked with tongban.core.codes.
CITIZEN_ID_KEYS = {"id_number", "citizen_id", "sfzh", "gmsfhm", "id_no"}
USCC_KEYS = {"uscc", "credit_code", "tyshxydm", "social_credit_code"}
TRUE_WORDS = {"1", "true", "t", "yes", "y", "是", "真", "有"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "否", "假", "无"}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class ValueProblem(ValueError):
    """A value that does not fit its item; the message is shown to the provider."""


def code_kind(item) -> str | None:
    """``"citizen-id"``, ``"uscc"`` or None for a data item (by key or Chinese name)."""
    key = (item.key if hasattr(item, "key") else item["key"]).lower()
    name = item.name if hasattr(item, "name") else item.get("name", "")
    if key in CITIZEN_ID_KEYS or "身份证" in name or "公民身份号码" in name:
        return "citizen-id"
    if key in USCC_KEYS or "统一社会信用代码" in name or "信用代码" in name:
        return "uscc"
    return None


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def make_converter(item) -> Callable:
    """A function turning a raw cell (str, int, float, date, bool or None) into the stored
    value of ``item`` (None when empty); raises ``ValueProblem``."""
    kind = item.type
    length = item.length
    check = code_kind(item) if kind == DataItem.Type.STRING else None

    def convert_string(raw):
        text = _text(raw)
        if not text:
            return None
        if check:
            result = codes.validate(check, text)
            if not result.valid:
                raise ValueProblem(result.message)
            text = result.normalized or text
        if length and len(text) > length:
            raise ValueProblem(_t("超过长度 %(n)d") % {"n": length})
        return text

    def convert_integer(raw):
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise ValueProblem(_t("应为整数"))
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            if raw.is_integer():
                return int(raw)
            raise ValueProblem(_t("应为整数"))
        text = str(raw).strip().replace(",", "")
        if not text:
            return None
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            raise ValueProblem(_t("应为整数"))
        return int(text)

    def convert_decimal(raw):
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise ValueProblem(_t("应为数字"))
        text = repr(raw) if isinstance(raw, float) else str(raw).strip().replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(_t("应为数字")) from None
        if not number.is_finite():
            raise ValueProblem(_t("应为数字"))
        if length and len(number.as_tuple().digits) > length:
            raise ValueProblem(_t("超过 %(n)d 位数字") % {"n": length})
        return format(number, "f")

    def convert_date(raw):
        if raw is None or raw == "":
            return None
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        text = str(raw).strip()
        if not text:
            return None
        match = DATE_RE.match(text) or (
            re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) if len(text) == 8 else None
        )
        if not match:
            raise ValueProblem(_t("应为日期（如 2026-01-31）"))
        try:
            return dt.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            raise ValueProblem(_t("不是有效日期")) from None

    def convert_boolean(raw):
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if not text:
            return None
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueProblem(_t("应为“是”或“否”"))

    return {
        DataItem.Type.INTEGER: convert_integer,
        DataItem.Type.DECIMAL: convert_decimal,
        DataItem.Type.DATE: convert_date,
        DataItem.Type.BOOLEAN: convert_boolean,
    }.get(kind, convert_string)


class _ColumnItem:
    """A version column (stored dict) seen through the attributes ``make_converter`` reads."""

    def __init__(self, column: dict):
        self.key = column["key"]
        self.name = column.get("name", "")
        self.type = column.get("type", DataItem.Type.STRING)
        self.length = None  # filters are compared, not length-checked


def column_snapshot(items: Iterable) -> list[dict]:
    return [
        {
            "key": item.key,
            "name": item.name,
            "type": item.type,
            "sensitivity": item.sensitivity,
            "required": item.required,
            "length": item.length,
        }
        for item in items
    ]


# --- versions ---------------------------------------------------------------------------
def current_version(resource: Resource) -> DatasetVersion | None:
    return DatasetVersion.objects.filter(
        resource=resource, is_current=True, status=DatasetVersion.Status.ACCEPTED
    ).first()


def accepted_versions(resource: Resource):
    return DatasetVersion.objects.filter(
        resource=resource, status=DatasetVersion.Status.ACCEPTED
    ).order_by("-number")


def get_version(resource: Resource, number: int) -> DatasetVersion:
    version = accepted_versions(resource).filter(number=number).first()
    if version is None:
        raise error(OpenDataError.VERSION_NOT_FOUND)
    return version


# --- reading rows -----------------------------------------------------------------------
def _filtered(
    version: DatasetVersion,
    filters: dict | None,
    *,
    lookup_key: str = "",
    q: str = "",
    q_columns: list[str] | None = None,
):
    columns = {column["key"]: column for column in version.columns}
    rows = DatasetRow.objects.filter(version=version)
    for key, raw in (filters or {}).items():
        if key not in columns:
            raise error(OpenDataError.UNKNOWN_FILTER, field=key)
        values = raw if isinstance(raw, list) else [raw]
        converter = make_converter(_ColumnItem(columns[key]))
        try:
            converted = [converter(value) for value in values]
        except ValueProblem:
            raise error(OpenDataError.INVALID_FILTER_VALUE, field=key) from None
        if key == lookup_key and len(converted) == 1 and converted[0] is not None:
            rows = rows.filter(lookup_value=str(converted[0]))
        elif len(converted) == 1:
            rows = rows.filter(**{f"data__{key}": converted[0]})
        else:
            condition = Q()
            for value in converted:
                condition |= Q(**{f"data__{key}": value})
            rows = rows.filter(condition)
    if q:
        # values only (never keys), and only in the columns the caller may see
        condition = Q()
        for key in q_columns if q_columns is not None else list(columns):
            condition |= Q(**{f"data__{key}__icontains": q})
        rows = rows.filter(condition) if condition else rows.none()
    return rows


def version_rows(
    version: DatasetVersion,
    *,
    filters: dict | None = None,
    limit: int = 100,
    offset: int = 0,
    columns: list[str] | None = None,
    q: str = "",
    q_columns: list[str] | None = None,
    with_line: bool = False,
) -> tuple[list[dict], int]:
    """Rows of ``version`` matching ``filters`` (equality per item, a list means any of),
    restricted to ``columns`` (in that order) when given, and the total count."""
    keys = columns if columns is not None else version.column_keys()
    rows = _filtered(
        version,
        filters,
        lookup_key=version.resource.lookup_key,
        q=q,
        q_columns=q_columns if q_columns is not None else keys,
    )
    total = rows.count()
    page = rows.order_by("line").values_list("line", "data")[offset : offset + limit]
    result = []
    for line, data in page:
        row = {"_id": line} if with_line else {}
        row.update((key, data.get(key)) for key in keys)
        result.append(row)
    return result, total


def iter_version_rows(version: DatasetVersion, columns: list[str]) -> Iterator[list]:
    """Every row of ``version`` as a list of values in ``columns`` order (streams)."""
    queryset = DatasetRow.objects.filter(version=version).order_by("line")
    for data in queryset.values_list("data", flat=True).iterator(chunk_size=2000):
        yield [data.get(key) for key in columns]


def query_rows(resource, *, filters: dict, limit: int, offset: int = 0) -> tuple[list[dict], int]:
    """Rows of the resource's current dataset version whose items equal ``filters``
    (``{item_key: value}``), as ``{item_key: value}`` dicts, and the total count.

    A resource without an accepted version has no rows. Filters on an item the version does
    not hold raise ``unknown_filter``; values that do not fit the item's type raise
    ``invalid_filter_value``.
    """
    version = current_version(resource)
    if version is None:
        return [], 0
    return version_rows(version, filters=filters, limit=limit, offset=offset)
