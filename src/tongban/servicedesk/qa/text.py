"""Question text: normalisation, terms, query expansion and signatures.

Segmentation and the catalogue's aliases come from ``tongban.catalog.search`` (the same jieba
tokenizer, dictionary cache under ``VAR_DIR/jieba``, the same ``synonyms.yaml``): the
assistant and the catalogue search understand words the same way. On top, the assistant
reads ``data/phrases.yaml``, everyday expressions mapped to the words item names use
("过期" → 换领/换证, "小饭馆" → 餐饮/食品经营许可证/个体工商户). Both are matched as
substrings of the question, so they need no change to the shared tokenizer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tongban.catalog import search as catalog_search

PHRASES_FILE = Path(__file__).parent / "data" / "phrases.yaml"
# Words that say nothing about which service is wanted (on top of the catalogue's stopwords).
QUESTION_STOPWORDS = frozenset(
    "怎么办 怎么 怎样 如何 什么 哪些 哪个 哪里 哪儿 需要 要求 可以 能不能 能否 是否 是不是 "
    "请问 你好 您好 一下 一个 这个 那个 现在 已经 还是 应该 必须 手续 流程 办理 办 弄 "
    "去 到 在 的 了 吗 呢 啊 吧 呀 么 和 与 跟 给 把 被 我 我们 我家 你 您 他 她 咱 "
    "要 想 得 能 会 该 有 没有 是 就 也 都 还 又 再 个 些 点 下 上 里 时候 多久 多少 "
    "办什么 什么证 啥 咋 咋办 哪 谁".split()
)
EXPANSION_FACTOR = 0.8
_SPACES = re.compile(r"\s+")
_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]")


def normalise(question: str) -> str:
    """NFKC (full-width → half-width), lower case, collapsed spaces, trimmed."""
    text = unicodedata.normalize("NFKC", question or "")
    return _SPACES.sub(" ", text).strip().lower()


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[tuple[str, ...], bool]]:
    with open(PHRASES_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    lexicon = {}
    for key, values in data.items():
        together = isinstance(values, dict)
        targets = values["together"] if together else values
        lexicon[str(key).lower()] = (tuple(str(v) for v in targets), together)
    return lexicon


@functools.lru_cache(maxsize=1)
def phrases() -> dict[str, tuple[str, ...]]:
    """The assistant's lexicon ``{everyday phrase: (words of item names, ...)}``."""
    return {key: targets for key, (targets, _together) in _lexicon().items()}


@functools.lru_cache(maxsize=1)
def together() -> frozenset[str]:
    """Lexicon phrases whose words name things needed together (小饭馆 → 食品经营许可证 +
    个体工商户设立), not alternatives."""
    return frozenset(key for key, (_targets, flag) in _lexicon().items() if flag)


def expansions() -> dict[str, tuple[str, ...]]:
    """Everyday phrase → item-name words: the catalogue's aliases and the lexicon merged."""
    merged: dict[str, list[str]] = {}
    for source in (catalog_search.synonyms(), phrases()):
        for key, values in source.items():
            targets = merged.setdefault(str(key).lower(), [])
            targets.extend(v for v in values if v not in targets)
    return {key: tuple(values) for key, values in merged.items()}


@functools.lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    return frozenset(t for t in catalog_search.terms(text) if t not in QUESTION_STOPWORDS)


def terms(text: str) -> frozenset[str]:
    """Index and query terms of ``text`` (both jieba cuts, stopwords removed)."""
    return _terms(normalise(text))


@dataclass
class Query:
    """A question's terms: typed terms (weight 1, one group each), and per everyday phrase
    found in it a group of the things it stands for, each the terms of one target phrase
    (``EXPANSION_FACTOR``; a group counts its best target only)."""

    typed: frozenset[str]
    # (weight, alternatives): each alternative is the terms of one thing meant
    groups: list[tuple[float, tuple[frozenset[str], ...]]] = field(default_factory=list)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # phrase → targets

    @property
    def weights(self) -> dict[str, float]:
        """Flat ``{term: weight}`` (typed terms win over expansion words)."""
        result: dict[str, float] = {}
        for weight, alternatives in self.groups:
            for terms_ in alternatives:
                for term in terms_:
                    result[term] = max(result.get(term, 0.0), weight)
        return result


def query_terms(question: str) -> Query:
    """The ``Query`` of a normalised question. Longer phrases first, and a word belongs to
    one group only: "开", "开个" and "办" all standing for 设立 count it once."""
    typed = terms(question)
    query = Query(typed=typed, groups=[(1.0, (frozenset([term]),)) for term in sorted(typed)])
    taken = set(typed)
    found = [phrase for phrase in _expansions_cached() if phrase in question]
    for phrase in sorted(found, key=lambda p: (-len(p), p)):
        targets = _expansions_cached()[phrase]
        query.phrases[phrase] = targets
        alternatives = tuple(
            words for words in (terms(target) - taken for target in targets) if words
        )
        if alternatives:
            query.groups.append((EXPANSION_FACTOR, alternatives))
            taken.update(*alternatives)
    return query


@functools.lru_cache(maxsize=1)
def _expansions_cached() -> dict[str, tuple[str, ...]]:
    return expansions()


def signature(question: str) -> str:
    """The content words of a question, sorted: questions asked with the same words (in any
    order, with other particles or punctuation) share feedback boosts."""
    tok = catalog_search.tokenizer()
    words = {w.strip() for w in tok.lcut(normalise(question))}
    words = {
        w
        for w in words
        if w
        and _WORD_RE.search(w)
        and w not in QUESTION_STOPWORDS
        and w not in catalog_search.STOPWORDS
    }
    return " ".join(sorted(words))[:200]
