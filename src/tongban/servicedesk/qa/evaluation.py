"""Accuracy of the assistant on a question set (``tests/data/qa_questions.yaml``).

Top-1: the first item shown is one of the expected items. Top-3: every expected item (at
most three) is among the first three shown. Used by the accuracy test and ``bench/bench_qa.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "qa_questions.yaml"


@dataclass
class Accuracy:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def load_questions(path: Path | None = None) -> list[dict]:
    with open(path or QUESTIONS_FILE, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    return [
        {
            "q": str(row["q"]),
            "expect": [str(k) for k in row["expect"]],
            "held_out": bool(row.get("held_out")),
        }
        for row in rows
    ]


def evaluate(questions: list[dict], answer_keys: Callable[[str], list[str]]) -> Accuracy:
    """``answer_keys(question)`` returns the item keys shown, best first."""
    result = Accuracy()
    for row in questions:
        keys = answer_keys(row["q"])
        expected = row["expect"]
        result.total += 1
        if keys[:1] and keys[0] in expected:
            result.top1 += 1
        if set(expected[:3]) <= set(keys[:3]):
            result.top3 += 1
        else:
            result.misses.append((row["q"], expected, keys[:3]))
    return result
