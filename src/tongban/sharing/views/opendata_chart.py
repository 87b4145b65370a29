"""A server-side SVG bar chart of a dataset's numeric column (no scripts, no CDN).

The numeric column is summed per value of the text column with the fewest distinct values
(2 to ``MAX_BARS``, fewer than the rows: e.g. 执业药师人数 per 所在区); when no such column
exists, the first ``MAX_BARS`` rows are drawn, labelled by the first text column.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.cache import cache
from django.utils.translation import gettext as _t

from tongban.sharing.models import DataItem, DatasetRow

MAX_BARS = 20
MAX_ROWS_SCANNED = 200_000
NUMERIC = (DataItem.Type.INTEGER, DataItem.Type.DECIMAL)


def numeric_columns(columns: list[dict]) -> list[dict]:
    return [column for column in columns if column["type"] in NUMERIC]


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def chart_data(version, columns: list[dict], key: str) -> dict:
    """``{"title", "bars": [(label, value)], "grouped_by"}`` for the numeric column ``key``."""
    cache_key = f"sharing:chart:{version.uuid}:{key}:{','.join(c['key'] for c in columns)}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    column = next(c for c in columns if c["key"] == key)
    texts = [c for c in columns if c["type"] == DataItem.Type.STRING]
    groups = {c["key"]: {} for c in texts}
    first_rows = []
    counted = 0
    rows = DatasetRow.objects.filter(version=version).order_by("line")
    for data in rows.values_list("data", flat=True)[:MAX_ROWS_SCANNED].iterator(chunk_size=2000):
        number = _number(data.get(key))
        if number is None:
            continue
        counted += 1
        if len(first_rows) < MAX_BARS:
            label = str(data.get(texts[0]["key"]) or "") if texts else str(len(first_rows) + 1)
            first_rows.append((label, number))
        for text_key in list(groups):
            bucket = groups[text_key]
            label = str(data.get(text_key) or "—")
            bucket[label] = bucket.get(label, Decimal(0)) + number
            if len(bucket) > MAX_BARS:
                del groups[text_key]
    # the text column with the fewest distinct values (at least 2) groups best; a column
    # whose every value is different (a name) is no grouping at all
    candidates = [c for c in texts if c["key"] in groups and 1 < len(groups[c["key"]]) < counted]
    grouped_by = min(candidates, key=lambda c: len(groups[c["key"]]), default=None)
    if grouped_by is not None:
        bars = sorted(groups[grouped_by["key"]].items(), key=lambda item: -item[1])
        title = _t("按“%(g)s”汇总的“%(n)s”") % {"g": grouped_by["name"], "n": column["name"]}
    else:
        bars = first_rows
        title = _t("前 %(k)d 行的“%(n)s”") % {"k": len(bars), "n": column["name"]}
    result = {
        "title": title,
        "bars": [(label, float(value)) for label, value in bars],
        "grouped_by": grouped_by["key"] if grouped_by else "",
    }
    cache.set(cache_key, result, 600)
    return result


def _format(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}"


def render_svg(data: dict) -> str:
    """Horizontal bars; scales to the container's width (viewBox), readable at 390 px."""
    bars = data["bars"]
    width, left, right, bar_height, gap, top = 320, 92, 56, 20, 8, 8
    height = top + len(bars) * (bar_height + gap) + 4
    top_value = max((value for _label, value in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(data["title"])}" class="od-chart" '
        f'preserveAspectRatio="xMinYMin meet" style="width:100%;height:auto">',
        f"<title>{escape(data['title'])}</title>",
    ]
    span = width - left - right
    for index, (label, value) in enumerate(bars):
        y = top + index * (bar_height + gap)
        bar = max(1, int(span * max(value, 0) / top_value))
        short = label if len(label) <= 6 else label[:5] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="#1f2937">{escape(short)}</text>'
            f'<rect x="{left}" y="{y}" width="{bar}" height="{bar_height}" fill="#1d6fb8">'
            f"<title>{escape(label)}：{_format(value)}</title></rect>"
            f'<text x="{left + bar + 4}" y="{y + 15}" font-size="13" fill="#1f2937">'
            f"{_format(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
