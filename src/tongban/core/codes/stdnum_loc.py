"""Read GB/T 2260 division codes from python-stdnum's ``cn/loc.dat``.

The file lists every province (2-digit prefix) and, below it, every 4-digit suffix that
was ever used, with the names it carried and the years it was in use, e.g.::

    44 province="广东省"
      0111 county="[1983-1986]郊区,[1987-]白云区"
      0102 county="[1983-2005]东山区"

How "current" is decided: an entry is current when its *last* name variant has no end
year (``[1987-]白云区`` or a bare name); an end year (``[1983-2005]东山区``) marks a code
that was abolished. ``市辖区`` (xx01) and ``市区`` (xx20) are aggregate codes, not
county-level divisions, so they are never current (they stay valid as historical address
codes in citizen ID numbers).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_VARIANT_RE = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.+)$")
_LINE_RE = re.compile(
    r'^(?P<indent> *)(?P<prefix>\d+) (?P<kind>province|county)="(?P<value>[^"]*)"$'
)

AGGREGATE_NAMES = frozenset({"市辖区", "市区", "县"})

# stdnum carries the Hong Kong and Macao names in traditional characters.
NAME_OVERRIDES = {"810000": "香港特别行政区", "820000": "澳门特别行政区"}


@dataclass(frozen=True)
class LocEntry:
    code: str
    name: str  # the latest name
    history: str  # the raw stdnum value, e.g. "[1983-1986]郊区,[1987-]白云区"
    current: bool


def _parse_value(value: str) -> tuple[str, bool]:
    """Return (latest name, current) for a stdnum county value."""
    last = value.split(",")[-1]
    match = _VARIANT_RE.match(last)
    if not match:
        return last, True
    return match["name"], not match["end"]


@lru_cache(maxsize=1)
def load() -> dict[str, LocEntry]:
    """All 6-digit codes in stdnum's data (province entries get a ``xx0000`` code)."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    entries: dict[str, LocEntry] = {}
    province = None
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        match = _LINE_RE.match(raw)
        if not match:
            continue
        if match["kind"] == "province":
            province = match["prefix"]
            code = province + "0000"
            name, current = _parse_value(match["value"])
            entries[code] = LocEntry(code, name, match["value"], current)
        elif province is not None:
            code = province + match["prefix"]
            name, current = _parse_value(match["value"])
            if name in AGGREGATE_NAMES:
                current = False
            if code in entries and code.endswith("0000"):
                # "0000" repeats the province itself: keep the province line.
                continue
            entries[code] = LocEntry(code, name, match["value"], current)
    for code, name in NAME_OVERRIDES.items():
        if code in entries:
            entries[code] = LocEntry(code, name, entries[code].history, entries[code].current)
    return entries
