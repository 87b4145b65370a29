"""Duplicate work orders (重复工单): one problem reported by many people gets one answer.

A new order is a duplicate of an open *master* order when

* both belong to the same 12345 centre and the same area: the same county when the new
  order names a county, else the same city;
* the master was accepted within ``settings.WORKORDER_DUPLICATE_DAYS`` days and is still
  open (accepted, dispatched or replied) and is not itself a duplicate;
* their similarity reaches ``settings.WORKORDER_DUPLICATE_PERCENT``: the Jaccard index of
  the jieba words (two characters or more) of title and content, plus ``PLACE_BONUS`` when
  the places named overlap by half or more. (The place alone never makes a duplicate: two
  different problems at one address are two orders.)

Consultations (咨询) are never linked: each caller's question is answered to them.
The best-scoring master wins; ties go to the oldest order. When the master is concluded,
its answer concludes every linked order and each submitter is notified
(``services.workorders.conclude_work_order``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tongban.servicedesk.models import WorkOrder

MIN_TERM_LENGTH = 2
CANDIDATE_LIMIT = 500
PLACE_BONUS = 0.1
PLACE_PREFIX = "@"


def order_terms(title: str, content: str, location: str = "") -> list[str]:
    """Sorted distinct terms of an order's text (the catalogue's jieba tokenizer), then the
    terms of its place, each prefixed with ``PLACE_PREFIX``."""
    from tongban.catalog.search import terms

    def words(text):
        return sorted(w for w in terms(text) if len(w) >= MIN_TERM_LENGTH)

    return words(f"{title} {content}") + [PLACE_PREFIX + w for w in words(location)]


def similarity(first, second) -> float:
    """Text Jaccard plus the place bonus (see the module docstring)."""
    text_a = [t for t in first if not t.startswith(PLACE_PREFIX)]
    text_b = [t for t in second if not t.startswith(PLACE_PREFIX)]
    place_a = [t for t in first if t.startswith(PLACE_PREFIX)]
    place_b = [t for t in second if t.startswith(PLACE_PREFIX)]
    score = jaccard(text_a, text_b)
    if place_a and place_b and jaccard(place_a, place_b) >= 0.5:
        score += PLACE_BONUS
    return score


def jaccard(first, second) -> float:
    a, b = set(first), set(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_master(order: WorkOrder) -> tuple[WorkOrder, float] | None:
    """The open order ``order`` duplicates, with the similarity, or None."""
    if order.kind == WorkOrder.Kind.CONSULTATION or not order.terms:
        return None
    since = timezone.now() - timedelta(days=settings.WORKORDER_DUPLICATE_DAYS)
    candidates = (
        WorkOrder.objects.filter(
            hotline_unit=order.hotline_unit,
            master__isnull=True,
            status__in=(
                WorkOrder.Status.ACCEPTED,
                WorkOrder.Status.DISPATCHED,
                WorkOrder.Status.REPLIED,
            ),
            accepted_at__gte=since,
        )
        .exclude(kind=WorkOrder.Kind.CONSULTATION)
        .exclude(pk=order.pk)
    )
    division = order.division_code
    if division and not division.endswith("00"):
        candidates = candidates.filter(division_code=division)
    threshold = settings.WORKORDER_DUPLICATE_PERCENT / 100
    best = None
    rows = candidates.order_by("accepted_at", "id").only("id", "terms", "accepted_at")
    for candidate in rows[:CANDIDATE_LIMIT]:
        score = similarity(order.terms, candidate.terms)
        if score >= threshold and (best is None or score > best[1]):
            best = (candidate, score)
    return best
