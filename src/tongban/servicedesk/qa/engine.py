"""Ranking answers for a question.

1. **Terms**: the question's jieba terms (weight 1) plus, per everyday phrase or catalogue
   alias found in it, the group of words it stands for (weight 0.8, the group's best word
   counts once), see ``qa.text``.
2. **BM25** over the items (``qa.index``, title and body field groups), plus bonuses when
   the question contains an item's full name (``NAME_BONUS``) or a phrase found in the
   question stands for words of the name (``PHRASE_BONUS`` per phrase, at most two).
3. **FAQ entries**: term overlap (F1) with the entry's question or other phrasings; the best
   entries (within ``FAQ_KEEP`` of the best, at least ``FAQ_MIN_MATCH``) are shown and pass
   ``FAQ_TRANSFER`` × their score (``FAQ_POINTS`` × F1) on to the items they link.
4. **Feedback**: an item's score is multiplied by ``1 + weight`` for the boost learnt for
   questions with the same signature (bounded, see ``services.answers``).
5. **Ask back**: when two or three items score within ``ASK_BACK_RATIO`` of the best, the
   best matches no typed word the others lack, and neither an FAQ entry links them all nor
   one everyday phrase stands for all of them (both mean "you need all of these"), the
   assistant asks "您想办理的是：A / B / C？". Below ``MIN_SCORE`` nothing is answered and a person is offered.

The thresholds were tuned on ``servicedesk/tests/data/qa_questions.yaml`` (see
``bench/bench_qa.py`` for the accuracy they give).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.servicedesk.qa.index import FaqDoc, ItemDoc, KnowledgeIndex, get_index
from tongban.servicedesk.qa.text import normalise, query_terms, terms, together

NAME_BONUS = 6.0
NAME_BONUS_MIN_LENGTH = 3  # "社保" alone is too vague to favour every name containing it
PHRASE_BONUS = 2.5
FAQ_MIN_MATCH = 0.5
FAQ_POINTS = 20.0  # a perfect FAQ match is worth about a good item-name match
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

    faqs = _faq_hits(index, query)
    for hit in faqs:
        for doc in hit.doc.item_docs:
            scores[doc] = scores.get(doc, 0.0) + FAQ_TRANSFER * hit.score

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
    if _bundled(query, [index.items[d].name for d in close]):
        return []
    return [index.items[d] for d in close]


def _bundled(query, names: list[str]) -> bool:
    """A phrase of the lexicon marked ``together`` stands for several things that each of
    these items is named after ("小饭馆" → 食品经营许可证 + 个体工商户设立): they are needed
    together, not alternatives."""
    for phrase, targets in query.phrases.items():
        if phrase not in together() or len(targets) < 2:
            continue
        found = [{t for t in targets if len(t) >= 2 and t in name} for name in names]
        if all(found) and not set.intersection(*found):
            return True
    return False


def _faq_hits(index: KnowledgeIndex, query) -> list[FaqHit]:
    """FAQ entries whose question or another phrasing matches the question: the best
    phrasing's F1 of term overlap, both sides with the words their everyday phrases stand for
    (typed terms count 1, expansion words 0.8), kept when at least ``FAQ_MIN_MATCH`` and
    within ``FAQ_KEEP`` of the best entry."""
    if not index.faqs:
        return []
    weights = query.weights
    candidates: set[int] = set()
    for term in weights:
        candidates |= index.faq_postings.get(term, set())
    size = len(weights) or 1
    matches: dict[int, float] = {}
    for position in candidates:
        best = 0.0
        for phrasing in index.faqs[position].phrasing_terms:
            if not phrasing:
                continue
            overlap = sum(weights.get(term, 0.0) for term in phrasing)
            if overlap <= 0:
                continue
            recall, precision = overlap / len(phrasing), min(1.0, overlap / size)
            best = max(best, 2 * recall * precision / (recall + precision))
        if best >= FAQ_MIN_MATCH:
            matches[position] = best
    if not matches:
        return []
    top = max(matches.values())
    ordered = sorted(matches, key=lambda d: -matches[d])
    return [
        FaqHit(index.faqs[d], round(FAQ_POINTS * matches[d], 3))
        for d in ordered[:3]
        if matches[d] >= FAQ_KEEP * top
    ]
