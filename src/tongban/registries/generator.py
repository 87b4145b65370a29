"""Seeded generator of realistic registry data across Guangdong's 21 cities.

    gen = RegistryGenerator(seed=42)
    gen.person(0)                     # an unsaved Person, always the same for (seed, index)
    gen.persons(10_000)               # iterator, constant memory
    gen.entities(2_000, rep_pool=10_000)

Deterministic: a person or entity is a pure function of ``(seed, index)``, so a benchmark
with millions of rows streams without keeping anything in memory and an entity's legal
representative is "person number r" of the same seed, regenerated on demand.

Unique ID numbers without remembering them: every county-level division owns a slice of
the space ``birth day × sequence number`` (sized by the city's population), the slices are
laid end to end, and person ``i`` takes slot ``(A·i + B) mod S`` — a bijection because
``gcd(A, S) = 1``. The slot decodes to (division, birth date, sequence); the sequence's
parity is the sex (odd = male), as in GB 11643. Org codes inside USCCs are made unique the
same way over the 31⁶ ``MA`` + 6-character codes.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from tongban.core.codes import divisions, generate_mobile
from tongban.core.codes.checksums import (
    USCC_ALPHABET,
    citizen_id_check_char,
    org_code_check_char,
    uscc_check_char,
)
from tongban.registries.choices import EntityStatus, EntityType, Gender, PersonStatus
from tongban.registries.models import LegalEntity, Person

PROVINCE_NAME = "广东省"
BIRTH_START = date(1940, 1, 1)
BIRTH_END = date(2024, 12, 31)
DAYS = (BIRTH_END - BIRTH_START).days + 1
SEQUENCES_PER_DAY = 998  # sequence numbers 001..998 (odd = male, even = female)
ESTABLISHED_START = date(1995, 1, 1)
ESTABLISHED_END = date(2024, 12, 31)
ORG_CODE_SPACE = 31**6

# Resident population per city (2020 census, 10 000s), used as weights.
CITY_POPULATION = {
    "440100": 1868,
    "440200": 286,
    "440300": 1756,
    "440400": 244,
    "440500": 550,
    "440600": 950,
    "440700": 480,
    "440800": 698,
    "440900": 617,
    "441200": 411,
    "441300": 604,
    "441400": 387,
    "441500": 267,
    "441600": 284,
    "441700": 260,
    "441800": 397,
    "441900": 1047,
    "442000": 442,
    "445100": 257,
    "445200": 558,
    "445300": 238,
}
_GOLDEN = (math.sqrt(5) - 1) / 2


# --- name lists --------------------------------------------------------------------------
def _lines(filename: str) -> list[str]:
    text = (
        resources.files("tongban.registries").joinpath("data", filename).read_text(encoding="utf-8")
    )
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class _Lists:
    surnames: list[str]
    surname_cum_weights: list[float]
    given_male: list[str]
    given_female: list[str]
    roads: list[str]
    towns: dict[str, list[str]]
    trade_chars: list[str]
    industries: list[tuple[str, str]]
    shops: list[tuple[str, str]]


@lru_cache(maxsize=1)
def name_lists() -> _Lists:
    surnames, weights = [], []
    for line in _lines("surnames.txt"):
        surname, weight = line.split("\t")
        surnames.append(surname)
        weights.append(float(weight))
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    towns = {}
    for line in _lines("towns.txt"):
        city_code, names = line.split("\t")
        towns[city_code] = names.split()
    return _Lists(
        surnames=surnames,
        surname_cum_weights=cumulative,
        given_male=" ".join(_lines("given_male.txt")).split(),
        given_female=" ".join(_lines("given_female.txt")).split(),
        roads=" ".join(_lines("roads.txt")).split(),
        towns=towns,
        trade_chars=" ".join(_lines("trade_names.txt")).split(),
        industries=[tuple(line.split("\t")) for line in _lines("industries.txt")],
        shops=[tuple(line.split("\t")) for line in _lines("shop_types.txt")],
    )


# --- household divisions -----------------------------------------------------------------
@dataclass(frozen=True)
class HouseholdDivision:
    code: str
    city_code: str
    city_name: str
    county_name: str  # "" for cities without counties (东莞, 中山)
    weight: float


@lru_cache(maxsize=1)
def household_divisions() -> list[HouseholdDivision]:
    result = []
    for city in divisions.cities():
        counties = divisions.counties(city.code)
        population = CITY_POPULATION.get(city.code, 250)
        if counties:
            share = population / len(counties)
            result += [
                HouseholdDivision(c.code, city.code, city.name, c.name, share) for c in counties
            ]
        else:
            result.append(HouseholdDivision(city.code, city.code, city.name, "", population))
    return result


def _coprime_stride(space: int, rng: random.Random) -> int:
    stride = int(space * _GOLDEN) + rng.randrange(max(space // 1000, 1))
    while math.gcd(stride, space) != 1:
        stride += 1
    return stride % space or 1


class RegistryGenerator:
    def __init__(self, seed: int = 0):
        self.seed = int(seed)
        self.lists = name_lists()
        self.divisions = household_divisions()
        heaviest = max(d.weight for d in self.divisions)
        self._offsets: list[int] = []
        total = 0
        for division in self.divisions:
            self._offsets.append(total)
            total += max(int(division.weight / heaviest * DAYS * SEQUENCES_PER_DAY), DAYS)
        self.person_space = total
        setup = random.Random(self.seed)
        self._person_stride = _coprime_stride(self.person_space, setup)
        self._person_shift = setup.randrange(self.person_space)
        self._org_stride = _coprime_stride(ORG_CODE_SPACE, setup)
        self._org_shift = setup.randrange(ORG_CODE_SPACE)
        cumulative, running = [], 0.0
        for division in self.divisions:
            running += division.weight
            cumulative.append(running)
        self._division_cum_weights = cumulative

    # randomness per row: a fresh stream for (seed, kind, index)
    def _rng(self, kind: int, index: int) -> random.Random:
        return random.Random((self.seed << 48) | (kind << 44) | index)

    # --- persons ---------------------------------------------------------------------
    def person_slot(self, index: int) -> tuple[HouseholdDivision, date, int]:
        """(division, birth date, sequence) of person ``index`` (unique per index)."""
        if not 0 <= index < self.person_space:
            raise ValueError("person index out of range")
        slot = (self._person_stride * index + self._person_shift) % self.person_space
        position = bisect.bisect_right(self._offsets, slot) - 1
        offset = slot - self._offsets[position]
        birth = BIRTH_START + timedelta(days=offset % DAYS)
        sequence = offset // DAYS + 1
        return self.divisions[position], birth, sequence

    def person_name(self, rng: random.Random, gender: str) -> str:
        lists = self.lists
        surname = rng.choices(lists.surnames, cum_weights=lists.surname_cum_weights)[0]
        chars = lists.given_male if gender == Gender.MALE else lists.given_female
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.78 else "")
        return surname + given

    def address(self, rng: random.Random, division: HouseholdDivision) -> str:
        middle = division.county_name or rng.choice(self.lists.towns.get(division.city_code, [""]))
        road = rng.choice(self.lists.roads)
        number = rng.randrange(1, 400)
        tail = (
            f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}{rng.randrange(1, 9):02d}房"
            if rng.random() < 0.6
            else ""
        )
        return f"{PROVINCE_NAME}{division.city_name}{middle}{road}{number}号{tail}"

    def person(self, index: int) -> Person:
        division, birth, sequence = self.person_slot(index)
        rng = self._rng(1, index)
        gender = Gender.MALE if sequence % 2 else Gender.FEMALE
        body = f"{division.code}{birth:%Y%m%d}{sequence:03d}"
        age = ESTABLISHED_END.year - birth.year
        roll = rng.random()
        if roll < (0.002 + max(age - 60, 0) * 0.004):
            status = PersonStatus.DECEASED
        elif roll > 0.998:
            status = PersonStatus.CANCELLED
        else:
            status = PersonStatus.NORMAL
        return Person(
            id_number=body + citizen_id_check_char(body),
            name=self.person_name(rng, gender),
            gender=gender,
            birth_date=birth,
            division_code=division.code,
            address=self.address(rng, division),
            phone=generate_mobile(rng=rng) if age >= 12 and rng.random() < 0.95 else "",
            status=status,
        )

    def persons(self, count: int, start: int = 0) -> Iterator[Person]:
        for index in range(start, start + count):
            yield self.person(index)

    # --- legal entities ----------------------------------------------------------------
    def org_code(self, index: int) -> str:
        """A unique 9-character organisation code ``MA`` + 6 chars + check (GB 11714)."""
        value = (self._org_stride * index + self._org_shift) % ORG_CODE_SPACE
        chars = []
        for _ in range(6):
            value, digit = divmod(value, 31)
            chars.append(USCC_ALPHABET[digit])
        body = "MA" + "".join(reversed(chars))
        return body + org_code_check_char(body)

    def legal_rep(self, rng: random.Random, rep_pool: int) -> Person:
        """A living adult from persons ``0 .. rep_pool-1`` (born before 2000)."""
        start = rng.randrange(rep_pool)
        for step in range(200):
            candidate = self.person((start + step) % rep_pool)
            if candidate.birth_date.year <= 2000 and candidate.status == PersonStatus.NORMAL:
                return candidate
        return self.person(start)

    def entity(self, index: int, *, rep_pool: int) -> LegalEntity:
        rng = self._rng(2, index)
        lists = self.lists
        division = self.divisions[
            bisect.bisect_left(
                self._division_cum_weights, rng.random() * self._division_cum_weights[-1]
            )
        ]
        rep = self.legal_rep(rng, max(rep_pool, 1))
        region = division.city_name + division.county_name
        trade = rng.choice(lists.trade_chars) + rng.choice(lists.trade_chars)
        roll = rng.random()
        if roll < 0.70:
            type_code, entity_type = "1", EntityType.ENTERPRISE
            industry, scope = rng.choice(lists.industries)
            name = f"{region}{trade}{industry}有限公司"
            capital = Decimal(rng.choice([10, 30, 50, 100, 100, 200, 300, 500, 1000, 2000, 5000]))
        elif roll < 0.95:
            type_code, entity_type = "2", EntityType.SOLE_TRADER
            shop, scope = rng.choice(lists.shops)
            name = f"{region}{trade}{shop}"
            capital = Decimal(rng.randrange(1, 51))
        else:
            type_code, entity_type = "3", EntityType.FARMER_COOP
            crop = rng.choice(["水果", "蔬菜", "茶叶", "水稻", "花卉", "水产"])
            name = f"{region}{trade}{crop}种养专业合作社"
            scope = (
                f"组织成员开展{crop}种植养殖；收购、销售成员生产的农产品；提供技术培训与信息服务。"
            )
            capital = Decimal(rng.choice([10, 20, 50, 100, 200]))
        body = "9" + type_code + division.code + self.org_code(index)
        earliest = max(ESTABLISHED_START, date(rep.birth_date.year + 18, 12, 31))
        span = max((ESTABLISHED_END - earliest).days, 0)
        status_roll = rng.random()
        status = (
            EntityStatus.ACTIVE
            if status_roll < 0.90
            else EntityStatus.CANCELLED
            if status_roll < 0.97
            else EntityStatus.REVOKED
        )
        return LegalEntity(
            uscc=body + uscc_check_char(body),
            name=name,
            entity_type=entity_type,
            legal_rep_id_number=rep.id_number,
            legal_rep_name=rep.name,
            address=self.address(rng, division),
            division_code=division.code,
            status=status,
            established_date=earliest + timedelta(days=rng.randrange(span + 1)),
            registered_capital=capital,
            business_scope=scope,
        )

    def entities(self, count: int, *, rep_pool: int, start: int = 0) -> Iterator[LegalEntity]:
        for index in range(start, start + count):
            yield self.entity(index, rep_pool=rep_pool)
