"""Build the Guangdong division CSVs from python-stdnum's ``cn/loc.dat``.

Run after upgrading python-stdnum and commit the result::

    python -m tongban.core.codes.build_divisions

Writes ``tongban/core/data/divisions-guangdong-cities.csv`` (the province and every
prefecture-level code ever used in Guangdong, current and historical) and
``divisions-guangdong-counties.csv`` (every county-level code, with ``current`` as decided
in :mod:`tongban.core.codes.stdnum_loc`). ``history`` keeps stdnum's raw name/year list.
"""

import argparse
import csv
from pathlib import Path

from tongban.core.codes import stdnum_loc

PROVINCE_CODE = "440000"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CITIES_FILE = "divisions-guangdong-cities.csv"
COUNTIES_FILE = "divisions-guangdong-counties.csv"


def guangdong_rows() -> tuple[list[dict], list[dict]]:
    entries = [entry for code, entry in sorted(stdnum_loc.load().items()) if code.startswith("44")]
    cities, counties = [], []
    codes = {entry.code for entry in entries}
    for entry in entries:
        if entry.code == PROVINCE_CODE:
            cities.append(
                {
                    "code": entry.code,
                    "name": entry.name,
                    "level": "province",
                    "parent_code": "",
                    "current": "1",
                    "history": entry.history,
                }
            )
        elif entry.code.endswith("00"):
            cities.append(
                {
                    "code": entry.code,
                    "name": entry.name,
                    "level": "city",
                    "parent_code": PROVINCE_CODE,
                    "current": "1" if entry.current else "0",
                    "history": entry.history,
                }
            )
        else:
            city_code = entry.code[:4] + "00"
            if city_code not in codes:
                raise SystemExit(f"{entry.code}: prefecture {city_code} missing from stdnum data")
            counties.append(
                {
                    "code": entry.code,
                    "name": entry.name,
                    "city_code": city_code,
                    "current": "1" if entry.current else "0",
                    "history": entry.history,
                }
            )
    return cities, counties


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    args = parser.parse_args(argv)
    cities, counties = guangdong_rows()
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / CITIES_FILE, cities)
    write_csv(args.out / COUNTIES_FILE, counties)
    current_cities = sum(1 for row in cities if row["level"] == "city" and row["current"] == "1")
    current_counties = sum(1 for row in counties if row["current"] == "1")
    print(
        f"{len(cities)} province/prefecture rows ({current_cities} current cities), "
        f"{len(counties)} county rows ({current_counties} current) written to {args.out}"
    )


if __name__ == "__main__":
    main()
