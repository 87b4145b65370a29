"""GB/T 2260 administrative divisions.

Guangdong comes from the committed CSVs in ``tongban/core/data`` (generated from
python-stdnum by :mod:`tongban.core.codes.build_divisions`); every other province is read
from stdnum's data at first use, so citizen IDs and USCCs from anywhere in China validate.

``current`` follows :mod:`tongban.core.codes.stdnum_loc`: a code is current when its latest
name has no end year; aggregate codes (``市辖区``) are never current.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tongban.core.codes import stdnum_loc

PROVINCE_CODE = "440000"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Codes that are not in GB/T 2260 but appear as address codes of residence-permit numbers
# for residents of Hong Kong (810000), Macao (820000) and Taiwan (830000).
EXTRA_CODES = {"830000": "台湾居民居住证"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    full_name: str
    level: str  # "province" | "city" | "county"
    parent_code: str | None
    current: bool
    history: str = ""

    @property
    def in_guangdong(self) -> bool:
        return self.code.startswith("44")


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _joins_full_name(name: str) -> bool:
    # "北京市市辖区东城区" reads wrong: aggregate parents are left out of full names.
    return name not in stdnum_loc.AGGREGATE_NAMES and "直辖" not in name


@lru_cache(maxsize=1)
def _guangdong() -> dict[str, Division]:
    rows: dict[str, dict] = {}
    with (DATA_DIR / "divisions-guangdong-cities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["code"]] = row
    with (DATA_DIR / "divisions-guangdong-counties.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["code"]] = {**row, "level": "county", "parent_code": row["city_code"]}
    province_name = rows[PROVINCE_CODE]["name"]
    result = {}
    for code, row in rows.items():
        level = row["level"]
        if level == "province":
            full_name = row["name"]
        elif level == "city":
            full_name = province_name + row["name"]
        else:
            city_name = rows[row["parent_code"]]["name"]
            full_name = (
                province_name + (city_name if _joins_full_name(city_name) else "") + row["name"]
            )
        result[code] = Division(
            code=code,
            name=row["name"],
            full_name=full_name,
            level=level,
            parent_code=row["parent_code"] or None,
            current=row["current"] == "1",
            history=row["history"],
        )
    return result


@lru_cache(maxsize=4096)
def _from_stdnum(code: str) -> Division | None:
    entries = stdnum_loc.load()
    entry = entries.get(code)
    if entry is None:
        if code in EXTRA_CODES:
            return Division(code, EXTRA_CODES[code], EXTRA_CODES[code], "province", None, True)
        return None
    level = level_of(code)
    province = entries.get(code[:2] + "0000")
    province_name = province.name if province else ""
    if level == "province":
        return Division(code, entry.name, entry.name, level, None, entry.current, entry.history)
    city = entries.get(code[:4] + "00") if level == "county" else None
    parent_code = city.code if city else (province.code if province else None)
    middle = city.name if city and _joins_full_name(city.name) else ""
    return Division(
        code,
        entry.name,
        province_name + middle + entry.name,
        level,
        parent_code,
        entry.current,
        entry.history,
    )


def get(code: str) -> Division | None:
    """The division with this 6-digit code (current or historical), or None."""
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return None
    if code.startswith("44"):
        return _guangdong().get(code)
    return _from_stdnum(code)


def province() -> Division:
    return _guangdong()[PROVINCE_CODE]


def cities(*, current: bool = True) -> list[Division]:
    """Guangdong's prefecture-level cities (the 21 current ones unless ``current=False``)."""
    return [
        division
        for code, division in sorted(_guangdong().items())
        if division.level == "city" and (division.current or not current)
    ]


def counties(city_code: str, *, current: bool = True) -> list[Division]:
    """County-level divisions of a Guangdong city; ``current=False`` adds historical codes."""
    return [
        division
        for code, division in sorted(_guangdong().items())
        if division.level == "county"
        and division.parent_code == city_code
        and (division.current or not current)
    ]


def guangdong(*, current: bool = True) -> list[Division]:
    """Every Guangdong division (province, cities, counties) in code order."""
    return [
        division
        for code, division in sorted(_guangdong().items())
        if division.current or not current
    ]
