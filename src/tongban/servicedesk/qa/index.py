"""The knowledge index of the Q&A assistant, in memory per process.

Built from

* the catalogue's items with a published current version (not withdrawn): the name, the
  aliases of ``catalog/data/synonyms.yaml`` whose words appear in the name, the names of the
  licences the item issues, the materials, the department, the item type, the fee basis and
  the questions of the FAQ entries linked to it;
* the active FAQ entries: the terms of the question and of each other phrasing, with the
  words their everyday phrases stand for (matched by overlap, see ``qa.engine``; BM25's idf
  means little over a few dozen short entries).

Field weights (name 3, aliases 2, FAQ questions 1.5 — the "title" group; licences 1.5,
materials 0.5, department 0.5, type and fee basis 0.3 — the "body" group) feed BM25
(``qa.bm25.FieldedIndex``); each group has its own idf and the body counts 0.3.

The index is rebuilt lazily: every question reads a token (the catalogue's ``CatalogRevision``
plus the count and latest change of the FAQ entries, two indexed reads) and rebuilds when it
differs from the one the index was built from. So a publication, a withdrawal or an FAQ edit
is answered right after it commits, in every process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.urls import reverse

from tongban.catalog import search as catalog_search
from tongban.catalog.models import CatalogRevision, Material, ServiceItem
from tongban.catalog.shared_data import licence_type_names
from tongban.core.revision_cache import RevisionCache
from tongban.servicedesk.models import FaqEntry
from tongban.servicedesk.qa import bm25
from tongban.servicedesk.qa.text import normalise, query_terms, terms

ITEM_FIELD_WEIGHTS = {
    "name": 3.0,
    "aliases": 2.0,
    "faq": 1.5,
    "outputs": 1.5,
    "materials": 0.5,
    "department": 0.5,
    "type": 0.3,
    "fee_basis": 0.3,
}
# Field groups with their own idf: what the item is called, and what its guide mentions.
ITEM_GROUPS = {"title": 1.0, "body": 0.3}


@dataclass
class ItemDoc:
    item_id: int
    key: str
    code: str
    name: str
    department: str
    aliases: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse("catalog:item_detail", args=[self.key])


@dataclass
class FaqDoc:
    faq_id: int
    question: str
    answer: str
    phrasings: tuple[str, ...]
    item_docs: tuple[int, ...]  # positions in KnowledgeIndex.items
    item_codes: tuple[str, ...] = ()
    phrasing_terms: tuple[frozenset[str], ...] = ()


@dataclass
class KnowledgeIndex:
    token: str
    items: list[ItemDoc] = field(default_factory=list)
    faqs: list[FaqDoc] = field(default_factory=list)
    item_index: bm25.FieldedIndex = field(
        default_factory=lambda: bm25.FieldedIndex(mix=dict(ITEM_GROUPS))
    )
    # term → FAQ entries one of whose phrasings contains it
    faq_postings: dict[str, set[int]] = field(default_factory=dict)
    by_item_id: dict[int, int] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)


def current_token() -> str:
    """What the index depends on; it changes with every publication and FAQ edit."""
    catalogue = CatalogRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    if not catalogue:  # no revision recorded yet: never trust a cached index
        return ""
    faq = FaqEntry.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = faq["latest"].isoformat() if faq["latest"] else "-"
    return f"{catalogue}|{faq['count']}|{latest}"


def _aliases(name: str) -> tuple[str, ...]:
    """Catalogue alias keys whose words appear in ``name`` (身份证 → 居民身份证换领)."""
    return tuple(
        sorted(
            alias
            for alias, targets in catalog_search.synonyms().items()
            if len(alias) >= 2 and any(target in name for target in targets)
        )
    )


def build_index(token: str = "") -> KnowledgeIndex:
    index = KnowledgeIndex(token=token)
    licences = licence_type_names()
    rows = list(
        ServiceItem.objects.filter(current_version__isnull=False, is_withdrawn=False)
        .order_by("pk")
        .values_list(
            "id",
            "key",
            "basic_code",
            "name",
            "department_name",
            "item_type",
            "current_version_id",
            "current_version__outputs",
            "current_version__fee_basis",
        )
    )
    materials: dict[int, list[str]] = {}
    for version_id, material in Material.objects.filter(
        version_id__in=[row[6] for row in rows]
    ).values_list("version_id", "name"):
        materials.setdefault(version_id, []).append(material)

    faq_rows = list(
        FaqEntry.objects.filter(status=FaqEntry.Status.ACTIVE)
        .prefetch_related("items")
        .order_by("pk")
    )
    faq_questions: dict[int, list[str]] = {}
    for entry in faq_rows:
        for item in entry.items.all():
            faq_questions.setdefault(item.pk, []).extend(
                [entry.question, *entry.alternative_list()]
            )

    weights = ITEM_FIELD_WEIGHTS
    for item_id, key, code, name, department, item_type, version_id, outputs, fee in rows:
        aliases = _aliases(name)
        title = [
            (terms(name), weights["name"]),
            (_union(aliases), weights["aliases"]),
            (_union(faq_questions.get(item_id, [])), weights["faq"]),
        ]
        body = [
            (_union(licences.get(o, "") for o in outputs or []), weights["outputs"]),
            (_union(materials.get(version_id, [])), weights["materials"]),
            (terms(department), weights["department"]),
            (terms(item_type), weights["type"]),
            (terms(fee or ""), weights["fee_basis"]),
        ]
        doc = index.item_index.add(
            {"title": bm25.frequencies(title), "body": bm25.frequencies(body)}
        )
        index.items.append(ItemDoc(item_id, key, code, name, department, aliases))
        index.by_item_id[item_id] = doc
        index.by_key[key] = doc
    index.item_index.finish()

    for entry in faq_rows:
        phrasings = (entry.question, *entry.alternative_list())
        phrasing_terms = tuple(frozenset(query_terms(normalise(p)).weights) for p in phrasings)
        docs = tuple(index.by_item_id[i.pk] for i in entry.items.all() if i.pk in index.by_item_id)
        codes = tuple(index.items[doc].code for doc in docs)
        position = len(index.faqs)
        index.faqs.append(
            FaqDoc(entry.pk, entry.question, entry.answer, phrasings, docs, codes, phrasing_terms)
        )
        for term in frozenset().union(*phrasing_terms):
            index.faq_postings.setdefault(term, set()).add(position)
    return index


def _union(texts) -> frozenset[str]:
    result: set[str] = set()
    for text in texts:
        result |= terms(text)
    return frozenset(result)


def get_index() -> KnowledgeIndex:
    """The current index (rebuilt when the catalogue or the FAQ entries changed)."""
    return _indexes.get()


def invalidate() -> None:
    """Drop this process's index (the next question rebuilds it)."""
    _indexes.invalidate()


_indexes: RevisionCache[KnowledgeIndex] = RevisionCache(
    build_index,
    lambda: current_token(),
    warm=lambda: catalog_search.tokenizer(),  # jieba loads outside the lock
)
