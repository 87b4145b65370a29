"""Ranking answers for a question.

1. **Terms**: the question's jieba terms (weight 1) plus, per everyday phrase or catalogue
   alias found in it, the group of words it stands for (weight 0.8, the group's best word
   counts once), see ``qa.text``.
2. **BM25** over the items (``qa.index``, title and body field groups), plus bonuses when
   the question contains an item's full name (``NAME_BONUS``) or a phrase found in the
   question stands for words of the name (``PHRASE_BONUS`` per phrase, at most two).
3. **FAQ entries**: BM25 over questions, phrasings and answers; the best entries (within
   ``FAQ_KEEP`` of the best, above ``FAQ_MIN_SCORE``) are shown and pass
   ``FAQ_TRANSFER`` × their score on to the items they link.
4. **Feedback**: an item's score is multiplied by ``1 + weight`` for the boost learnt for
   questions with the same signature (bounded, see ``services.answers``).
5. **Ask back**: when two or three items score within ``ASK_BACK_RATIO`` of the best, the
   best matches no typed word the others lack, and no FAQ entry links them all (an FAQ
   listing several items means "you need all of these"), the assistant asks "您想办理的是：
   A / B / C？". Below ``MIN_SCORE`` nothing is answered and a person is offered.

The thresholds were tuned on ``servicedesk/tests/data/qa_questions.yaml`` (see
``bench/bench_qa.py`` for the accuracy they give).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.servicedesk.qa.index import FaqDoc, ItemDoc, KnowledgeIndex, get_index
from tongban.servicedesk.qa.text import normalise, query_terms, terms

NAME_BONUS = 6.0
NAME_BONUS_MIN_LENGTH = 3  # "社保" alone is too vague to favour every name containing it
PHRASE_BONUS = 2.5
FAQ_MIN_SCORE = 3.0
FAQ_KEEP = 0.85
FAQ_TRANSFER = 0.5
MIN_SCORE = 2.0
KEEP_RATIO = 0.3
ASK_BACK_RATIO = 0.7
ASK_BACK_CHOICES = 3
LIMIT = 5


@dataclass
class RankedItem:
    doc: ItemDoc
    score: float


@dataclass
class FaqHit:
    doc: FaqDoc
    score: float


@dataclass
class Ranking:
    question: str
    items: list[RankedItem] = field(default_factory=list)
    faqs: list[FaqHit] = field(default_factory=list)
    ask_back: list[ItemDoc] = field(default_factory=list)  # choices; empty: no ask-back

    @property
    def answered(self) -> bool:
        return bool(self.items or self.faqs)


def bare_bm25(question: str, index: KnowledgeIndex | None = None) -> list[tuple[int, float]]:
    """Plain BM25 over the items for the question's own terms (the benchmark's baseline)."""
    index = index or get_index()
    scores = index.item_index.score(dict.fromkeys(terms(question), 1.0))
    return sorted(scores.items(), key=lambda pair: -pair[1])


def rank(
    question: str,
    *,
    boosts: dict[int, float] | None = None,
    index: KnowledgeIndex | None = None,
    limit: int = LIMIT,
) -> Ranking:
    """Items and FAQ entries for ``question``, best first, and the ask-back choices."""
    index = index or get_index()
    text = normalise(question)
    query = query_terms(text)
    scores = index.item_index.score_groups(query.groups)
    compact = "".join(ch for ch in text if not ch.isspace())
    for doc in list(scores):
        name = index.items[doc].name
        if (len(compact) >= NAME_BONUS_MIN_LENGTH and compact in name) or name in compact:
            scores[doc] += NAME_BONUS
        hits = sum(
            1
            for targets in query.phrases.values()
            if any(len(target) >= 2 and target in name for target in targets)
        )
        scores[doc] += PHRASE_BONUS * min(hits, 2)

    faqs = _faq_hits(index, query.groups)
    faq_items: set[int] = set()
    for hit in faqs:
        for doc in hit.doc.item_docs:
            scores[doc] = scores.get(doc, 0.0) + FAQ_TRANSFER * hit.score
        faq_items.update(hit.doc.item_docs)

    if boosts:
        for doc, score in list(scores.items()):
            weight = boosts.get(index.items[doc].item_id)
            if weight:
                scores[doc] = score * (1.0 + weight)

    ordered = sorted(scores, key=lambda d: (-scores[d], len(index.items[d].name), d))
    ranking = Ranking(question=text, faqs=faqs)
    if not ordered or scores[ordered[0]] < MIN_SCORE:
        return ranking
    best = scores[ordered[0]]
    ranking.items = [
        RankedItem(index.items[d], round(scores[d], 3))
        for d in ordered[:limit]
        if scores[d] >= KEEP_RATIO * best
    ]
    ranking.ask_back = _ask_back(index, query, ordered, scores, faqs, compact)
    return ranking


def _ask_back(index, query, ordered, scores, faqs, compact) -> list[ItemDoc]:
    """Choices when the question does not tell the best items apart: they score within
    ``ASK_BACK_RATIO`` of the best and the best matches no typed word the others lack
    (otherwise the question did say which one). Not when an FAQ entry links them all (it
    means "you need all of these") or the question is an item's exact name."""
    top = ordered[0]
    if compact == index.items[top].name:
        return []
    typed = {term: index.item_index.term_scores(term) for term in query.typed}
    matched = {d: {t for t, docs in typed.items() if d in docs} for d in ordered[:ASK_BACK_CHOICES]}
    close = [
        d
        for d in ordered[:ASK_BACK_CHOICES]
        if scores[d] >= ASK_BACK_RATIO * scores[top] and matched[d] >= matched[top]
    ]
    if len(close) < 2 or (faqs and set(close) <= set(faqs[0].doc.item_docs)):
        return []
    return [index.items[d] for d in close]


def _faq_hits(index: KnowledgeIndex, groups) -> list[FaqHit]:
    if not index.faqs:
        return []
    scores = index.faq_index.score_groups(groups)
    if not scores:
        return []
    best = max(scores.values())
    if best < FAQ_MIN_SCORE:
        return []
    ordered = sorted(scores, key=lambda d: -scores[d])
    return [
        FaqHit(index.faqs[d], round(scores[d], 3))
        for d in ordered[:3]
        if scores[d] >= FAQ_KEEP * best
    ]
