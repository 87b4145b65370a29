"""Catalogue search: Chinese word segmentation, aliases, ranking and filters.

How it works
------------
* **Index in memory, per process.** Built from the items' *published* current versions
  (name, department, type, the names of the licences issued) and their active
  implementations (regions). It is rebuilt when the catalogue's revision token
  (``CatalogRevision``, changed in the same transaction by every publication, withdrawal,
  implementation edit and import) differs from the one it was built from — one primary-key
  read per search, so a publication is visible in every process right after it commits.
  Building for 10 000 items takes about a second (segmentation); a search is dictionary
  look-ups over posting lists (see ``bench/bench_catalog_search.py``).
* **Segmentation with jieba**, loaded lazily once per process; its dictionary cache is
  written under ``settings.VAR_DIR / "jieba"`` (never the system temp directory). Both the
  precise and the search-engine cuts are indexed (个体工商户 → 个体, 工商, 工商户, 个体工商户).
* **Aliases** (``data/synonyms.yaml``): a key found in the query adds its words at a lower
  weight (开 → 设立, 个体户 → 个体工商户, 开公司 → 有限责任公司设立...).
* **Ranking**: Σ over query words of field weight (name 10, issued licence 4, department 3,
  type 2) × IDF × (1 for typed words, 0.8 for alias words), plus a bonus when the typed query
  or an alias phrase is a substring of the item's name; ties go to the shorter name.
  "开个体户" → 个体工商户设立登记 first.
* **Filters**: audience (natural/legal; "both" items match either), department, division
  (the region's own implementations, those of its counties, and of the city/province above
  it), zero-visit (``max_visits == 0``), online. Withdrawn items are left out unless asked.
"""

from __future__ import annotations

import functools
import heapq
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from tongban.catalog.models import CatalogRevision, Implementation, ServiceItem
from tongban.catalog.shared_data import licence_type_names
from tongban.core.revision_cache import RevisionCache

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.yaml"
DOMAIN_WORDS = [
    "个体工商户",
    "一件事",
    "公章刻制",
    "出生登记",
    "居住证",
    "公积金",
    "社保卡",
    "驾驶证",
    "通行证",
    "不动产",
    "纳税记录",
    "完税证明",
    "港澳通行证",
]
STOPWORDS = {"我", "要", "我要", "想", "我想", "怎么", "如何", "哪里", "的", "了", "在", "吗", "去"}
FIELD_WEIGHTS = {"name": 10.0, "outputs": 4.0, "department": 3.0, "type": 2.0}
ALIAS_FACTOR = 0.8
QUERY_IN_NAME_BONUS = 60.0
ALIAS_IN_NAME_BONUS = 30.0
_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)

_lock = threading.RLock()
_tokenizer = None
_synonyms: dict[str, list[str]] | None = None


# --- segmentation ------------------------------------------------------------------------------
def synonyms() -> dict[str, list[str]]:
    global _synonyms
    if _synonyms is None:
        with open(SYNONYMS_FILE, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        _synonyms = {str(key): [str(v) for v in values] for key, values in data.items()}
    return _synonyms


def jieba_cache_dir() -> Path:
    path = Path(settings.VAR_DIR) / "jieba"
    path.mkdir(parents=True, exist_ok=True)
    return path


def tokenizer():
    """The process's jieba tokenizer (loaded on first use)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = str(jieba_cache_dir())
                tok.initialize()
                for word in DOMAIN_WORDS + [k for k in synonyms() if len(k) >= 2]:
                    tok.add_word(word)
                _tokenizer = tok
    return _tokenizer


@functools.lru_cache(maxsize=256)
def _short_terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def terms(text: str) -> set[str]:
    """Index/query terms of ``text``: both jieba cuts, without punctuation and stopwords."""
    text = (text or "").strip().lower()
    if not text:
        return set()
    tok = tokenizer()
    words = set(tok.lcut_for_search(text)) | set(tok.lcut(text))
    return {
        w for w in (w.strip() for w in words) if w and _WORD_RE.search(w) and w not in STOPWORDS
    }


# --- the index ---------------------------------------------------------------------------------
@dataclass
class Doc:
    item_id: int
    name: str
    department: str
    audience: str
    online: bool
    max_visits: int
    withdrawn: bool


@dataclass
class SearchIndex:
    token: str
    docs: list[Doc] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    by_department: dict[str, set[int]] = field(default_factory=dict)
    # division → docs implemented there or in a region below it
    covered_by: dict[str, set[int]] = field(default_factory=dict)
    # division → docs implemented exactly there
    implemented_at: dict[str, set[int]] = field(default_factory=dict)
    visible: set[int] = field(default_factory=set)  # not withdrawn
    by_audience: dict[str, set[int]] = field(
        default_factory=lambda: {"natural": set(), "legal": set()}
    )
    zero_visit: set[int] = field(default_factory=set)
    online: set[int] = field(default_factory=set)
    name_order: list[int] = field(default_factory=list)
    name_len: list[int] = field(default_factory=list)

    def add_terms(self, doc: int, text: str, weight: float, *, repeated: bool = False) -> None:
        for term in _short_terms(text) if repeated else terms(text):
            postings = self.postings.setdefault(term, {})
            if postings.get(doc, 0.0) < weight:
                postings[doc] = weight


def _current_token() -> str:
    return CatalogRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def build_index(token: str = "") -> SearchIndex:
    index = SearchIndex(token=token)
    licences = licence_type_names()
    rows = ServiceItem.objects.filter(current_version__isnull=False).values_list(
        "id",
        "name",
        "department_name",
        "audience",
        "item_type",
        "is_withdrawn",
        "current_version__online",
        "current_version__max_visits",
        "current_version__outputs",
    )
    position: dict[int, int] = {}
    for item_id, name, department, audience, item_type, withdrawn, online, visits, outputs in rows:
        doc = len(index.docs)
        position[item_id] = doc
        index.docs.append(Doc(item_id, name, department, audience, bool(online), visits, withdrawn))
        index.add_terms(doc, name, FIELD_WEIGHTS["name"])
        index.add_terms(doc, department, FIELD_WEIGHTS["department"], repeated=True)
        index.add_terms(doc, item_type, FIELD_WEIGHTS["type"], repeated=True)
        for key in outputs or []:
            if key in licences:
                index.add_terms(doc, licences[key], FIELD_WEIGHTS["outputs"], repeated=True)
        index.by_department.setdefault(department, set()).add(doc)
        index.name_len.append(len(name))
        if not withdrawn:
            index.visible.add(doc)
        for group in ("natural", "legal"):
            if audience in (group, "both"):
                index.by_audience[group].add(doc)
        if visits == 0:
            index.zero_visit.add(doc)
        if online:
            index.online.add(doc)
    index.name_order = sorted(range(len(index.docs)), key=lambda d: index.docs[d].name)
    total = max(len(index.docs), 1)
    index.idf = {term: math.log(1 + total / len(p)) for term, p in index.postings.items()}
    implementations = Implementation.objects.filter(
        is_active=True, item__current_version__isnull=False
    ).values_list("item_id", "org_unit__division_code")
    for item_id, division in implementations:
        doc = position.get(item_id)
        if doc is None or not division:
            continue
        index.implemented_at.setdefault(division, set()).add(doc)
        for region in {division, division[:4] + "00", division[:2] + "0000"}:
            index.covered_by.setdefault(region, set()).add(doc)
    return index


def get_index() -> SearchIndex:
    """The current index (rebuilt when the catalogue revision changed)."""
    return _indexes.get()


def invalidate() -> None:
    """Drop this process's index (the next search rebuilds it)."""
    _indexes.invalidate()


_indexes: RevisionCache[SearchIndex] = RevisionCache(
    build_index,
    _current_token,
    warm=lambda: tokenizer(),  # jieba loads outside the lock
)


# --- searching ---------------------------------------------------------------------------------
BONUS_POOL = 500  # name-substring bonuses are applied to the best raw scores only


def _division_docs(index: SearchIndex, division: str) -> set[int]:
    docs = set(index.covered_by.get(division, ()))
    for above in {division[:4] + "00", division[:2] + "0000"} - {division}:
        docs |= index.implemented_at.get(above, set())
    return docs


def _candidates(
    index, *, audience, department, division, zero_visit, online, include_withdrawn
) -> set[int] | None:
    """Docs passing the filters (``None``: all docs), by set intersections."""
    sets = []
    if not include_withdrawn:
        sets.append(index.visible)
    if audience in ("natural", "legal"):
        sets.append(index.by_audience[audience])
    if department:
        sets.append(index.by_department.get(department, set()))
    if division:
        sets.append(_division_docs(index, division))
    if zero_visit:
        sets.append(index.zero_visit)
    if online:
        sets.append(index.online)
    if not sets:
        return None
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])


def _query_terms(query: str) -> tuple[dict[str, float], list[str]]:
    weights = {term: 1.0 for term in terms(query)}
    phrases = []
    for alias, targets in synonyms().items():
        if alias in query:
            for target in targets:
                phrases.append(target)
                for term in terms(target):
                    weights.setdefault(term, ALIAS_FACTOR)
    return weights, phrases


def search(
    query: str = "",
    *,
    audience: str = "",
    department: str = "",
    division: str = "",
    zero_visit: bool = False,
    online: bool = False,
    include_withdrawn: bool = False,
) -> list[int]:
    """Item ids matching ``query`` and the filters, best first (all items by name when the
    query is empty)."""
    index = get_index()
    query = (query or "").strip().lower()
    candidates = _candidates(
        index,
        audience=audience,
        department=department,
        division=division,
        zero_visit=zero_visit,
        online=online,
        include_withdrawn=include_withdrawn,
    )
    docs = index.docs
    if not query:
        order = index.name_order
        hits = order if candidates is None else [d for d in order if d in candidates]
        return [docs[d].item_id for d in hits]

    query_weights, phrases = _query_terms(query)
    scores: dict[int, float] = {}
    get = scores.get
    for term, factor in query_weights.items():
        postings = index.postings.get(term)
        if not postings:
            continue
        scale = index.idf[term] * factor
        for doc, weight in postings.items():
            scores[doc] = get(doc, 0.0) + weight * scale
    if not scores:  # nothing segmented matched: plain substring of the name
        scores = {d: 0.0 for d, doc in enumerate(docs) if query in doc.name}
    matched = scores.keys() if candidates is None else scores.keys() & candidates
    if len(matched) > BONUS_POOL:
        pool = heapq.nlargest(BONUS_POOL, matched, key=scores.__getitem__)
        rest = sorted(set(matched).difference(pool), key=lambda d: (-scores[d], index.name_len[d]))
    else:
        pool, rest = list(matched), []
    final = {}
    for doc_id in pool:
        name = docs[doc_id].name
        score = scores[doc_id]
        if query in name:
            score += QUERY_IN_NAME_BONUS
        for phrase in phrases:
            if phrase in name:
                score += ALIAS_IN_NAME_BONUS
        final[doc_id] = score
    pool.sort(key=lambda d: (-final[d], index.name_len[d], docs[d].name))
    return [docs[d].item_id for d in pool] + [docs[d].item_id for d in rest]
