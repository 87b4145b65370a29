"""A small BM25 index over documents made of weighted fields (BM25F-style term frequency).

A document is ``{term: weighted frequency}`` where a term found in a field adds that field's
weight (name 3, aliases 2, ...); its length is the sum of those weights. ``FieldedIndex`` keeps
one such index per field group (title, body) with its own idf and mixes their scores.
Scoring is Okapi BM25 with ``k1`` and ``b``::

    score(d, q) = Σ_t  w_q(t) · idf(t) · tf(t, d)·(k1 + 1) / (tf(t, d) + k1·(1 - b + b·|d|/avgdl))
    idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))

Posting lists are dicts, so a query touches only the documents containing its terms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

K1 = 1.2
B = 0.6


@dataclass
class Bm25Index:
    k1: float = K1
    b: float = B
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    lengths: list[float] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    avgdl: float = 1.0

    def add(self, frequencies: dict[str, float]) -> int:
        """Add a document; returns its number."""
        doc = len(self.lengths)
        for term, tf in frequencies.items():
            if tf > 0:
                self.postings.setdefault(term, {})[doc] = tf
        self.lengths.append(sum(frequencies.values()) or 1.0)
        return doc

    def finish(self) -> None:
        """Compute idf and the average length once every document is added."""
        total = max(len(self.lengths), 1)
        self.avgdl = (sum(self.lengths) / total) if self.lengths else 1.0
        self.idf = {
            term: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self.postings.items()
        }

    def term_scores(self, term: str, weight: float = 1.0) -> dict[int, float]:
        """``{doc: weight · BM25 contribution of term}`` for the documents containing it."""
        postings = self.postings.get(term)
        if not postings:
            return {}
        k1, b, avgdl, lengths = self.k1, self.b, self.avgdl, self.lengths
        scale = weight * self.idf[term] * (k1 + 1)
        return {
            doc: scale * tf / (tf + k1 * (1 - b + b * lengths[doc] / avgdl))
            for doc, tf in postings.items()
        }

    def score(self, query: dict[str, float]) -> dict[int, float]:
        """``{doc: score}`` of the documents containing at least one query term."""
        scores: dict[int, float] = {}
        for term, weight in query.items():
            for doc, value in self.term_scores(term, weight).items():
                scores[doc] = scores.get(doc, 0.0) + value
        return scores


@dataclass
class FieldedIndex:
    """Several BM25 indexes over the same documents, one per field group, mixed by weight.

    Each group keeps its own idf: a word found in many documents' materials ("身份证") is
    common there but still rare, and telling, in item names."""

    mix: dict[str, float]
    fields: dict[str, Bm25Index] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.mix:
            self.fields.setdefault(name, Bm25Index())

    def add(self, groups: dict[str, dict[str, float]]) -> int:
        docs = {self.fields[name].add(groups.get(name, {})) for name in self.mix}
        if len(docs) != 1:
            raise ValueError("field indexes out of step")
        return docs.pop()

    def finish(self) -> None:
        for index in self.fields.values():
            index.finish()

    def term_scores(self, term: str, weight: float = 1.0) -> dict[int, float]:
        scores: dict[int, float] = {}
        for name, mix in self.mix.items():
            for doc, value in self.fields[name].term_scores(term, weight * mix).items():
                scores[doc] = scores.get(doc, 0.0) + value
        return scores

    def score(self, query: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for term, weight in query.items():
            for doc, value in self.term_scores(term, weight).items():
                scores[doc] = scores.get(doc, 0.0) + value
        return scores

    def score_groups(self, groups) -> dict[int, float]:
        """Σ over groups ``(weight, alternatives)`` of weight × the best alternative in the
        document, an alternative scoring the sum of its terms: the several things one
        everyday phrase may stand for count once, however many of them an item name has."""
        scores: dict[int, float] = {}
        cache: dict[str, dict[int, float]] = {}
        for weight, alternatives in groups:
            best: dict[int, float] = {}
            for terms in alternatives:
                summed: dict[int, float] = {}
                for term in terms:
                    if term not in cache:
                        cache[term] = self.term_scores(term)
                    for doc, value in cache[term].items():
                        summed[doc] = summed.get(doc, 0.0) + value
                for doc, value in summed.items():
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] = scores.get(doc, 0.0) + weight * value
        return scores


def frequencies(fields: list[tuple[frozenset[str] | set[str], float]]) -> dict[str, float]:
    """Weighted term frequencies of a document from ``[(terms of a field, weight), ...]``."""
    result: dict[str, float] = {}
    for terms, weight in fields:
        for term in terms:
            result[term] = result.get(term, 0.0) + weight
    return result
