"""Q&A assistant: top-1/top-3 accuracy on the question set, and answer latency ÷ a bare BM25
query over the same index, in one run.

    .venv/bin/python bench/bench_qa.py [--repeat 5] [--database-url URL]

Against a temporary SQLite database (or ``--database-url``), one process:

1. org units of the province and the 45 items (``import_catalog``);
2. accuracy on ``servicedesk/tests/data/qa_questions.yaml`` (top-1: first item shown is
   expected; top-3: every expected item among the first three) for: a bare BM25 query over
   the item index (the question's own terms, no lexicon, bonuses or FAQ), the assistant on
   the catalogue alone, and the assistant with the demo FAQ entries of the departments —
   each split into the questions the lexicon was tuned on and the held-out ones;
3. latency per question (median over the set, ``repeat`` runs each) of a full answer
   (``services.answers.ask``: checks, rate limit, boosts, ranking, the log row), of the
   ranking alone (``qa.engine.rank``, with and without the index token read) and of the bare BM25
   query over the same in-memory index; prints the ratios answer ÷ BM25 and rank ÷ BM25.

Shared machines are noisy: compare ratios from one run.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def _ensure_tables() -> None:
    """The knowledge tables, when the database was built before their migration existed."""
    from django.db import connection

    from tongban.servicedesk.models import AnswerBoost, AnswerLog, FaqEntry

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in (FaqEntry, AnswerLog, AnswerBoost):
            if model._meta.db_table not in existing:
                editor.create_model(model)


def _seed_faqs() -> int:
    from tongban.core.models import RoleAssignment
    from tongban.core.orgunits import region_unit
    from tongban.identity.models import User
    from tongban.servicedesk import demo_knowledge

    operator, _ = User.objects.get_or_create(
        username="operator", defaults={"name": "周运营", "kind": User.Kind.STAFF}
    )
    RoleAssignment.objects.get_or_create(
        user=operator, org_unit=region_unit("440000"), role="operator", covers_children=True
    )
    lines: list[str] = []

    class Report:
        def add(self, line: str) -> None:
            lines.append(line)

    demo_knowledge.seed(Report())
    from tongban.servicedesk.models import FaqEntry

    return FaqEntry.objects.count()


def _accuracy(questions, answer_keys):
    from tongban.servicedesk.qa.evaluation import evaluate

    tuned = [row for row in questions if not row["held_out"]]
    held = [row for row in questions if row["held_out"]]
    return (
        evaluate(questions, answer_keys),
        evaluate(tuned, answer_keys),
        evaluate(held, answer_keys),
    )


def _line(label, results) -> str:
    everything, tuned, held = results
    return (
        f"  {label:<26} top-1 {everything.top1_rate:6.1%}  top-3 {everything.top3_rate:6.1%}"
        f"   (tuned {tuned.top1_rate:5.1%}/{tuned.top3_rate:5.1%},"
        f" held-out {held.top1_rate:5.1%}/{held.top3_rate:5.1%})"
    )


def _median_latency(operation, questions, repeat: int) -> float:
    samples = []
    for row in questions:
        start = time.perf_counter()
        for _ in range(repeat):
            operation(row["q"])
        samples.append((time.perf_counter() - start) / repeat)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-qa-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.conf import settings

        from tongban.catalog.importer import import_catalog
        from tongban.core.orgunits import seed_org_units
        from tongban.servicedesk.qa import engine, index
        from tongban.servicedesk.qa.evaluation import load_questions
        from tongban.servicedesk.services import answers

        settings.SERVICEDESK_QA_RATE_LIMIT = 10**9
        _ensure_tables()
        seed_org_units()
        import_catalog()
        questions = load_questions()

        knowledge = index.get_index()

        def bare_keys(question):
            return [knowledge.items[d].key for d, _score in engine.bare_bm25(question, knowledge)]

        def assistant_keys(question):
            return [ranked.doc.key for ranked in engine.rank(question).items]

        bare = _accuracy(questions, bare_keys)
        catalogue_only = _accuracy(questions, assistant_keys)
        faq_count = _seed_faqs()
        with_faq = _accuracy(questions, assistant_keys)
        asked_back = sum(1 for row in questions if engine.rank(row["q"]).ask_back)

        knowledge = index.get_index()  # rebuilt with the FAQ entries
        start = time.perf_counter()
        index.build_index(knowledge.token)
        build = time.perf_counter() - start
        bm25 = _median_latency(lambda q: engine.bare_bm25(q, knowledge), questions, args.repeat)
        in_hand = _median_latency(lambda q: engine.rank(q, index=knowledge), questions, args.repeat)
        ranked = _median_latency(lambda q: engine.rank(q), questions, args.repeat)
        full = _median_latency(
            lambda q: answers.ask(q, ip="192.0.2.1", channel="api"), questions, args.repeat
        )

    held_out = sum(1 for row in questions if row["held_out"])
    print(
        f"Q&A assistant: {len(questions)} questions ({held_out} held out), "
        f"{len(knowledge.items)} items, {faq_count} FAQ entries"
    )
    print("accuracy")
    print(_line("bare BM25 (no lexicon)", bare))
    print(_line("assistant, catalogue only", catalogue_only))
    print(_line("assistant + FAQ entries", with_faq))
    print(f"  asked back on {asked_back} of {len(questions)} questions (with the FAQ entries)")
    print(
        f"latency (median per question, {args.repeat} runs each); index build {build * 1000:.1f} ms"
    )
    print(f"  bare BM25 query            {bm25 * 1000:8.3f} ms")
    print(f"  ranking, index in hand     {in_hand * 1000:8.3f} ms")
    print(f"  ranking (engine.rank)      {ranked * 1000:8.3f} ms  (reads the index token)")
    print(f"  full answer (answers.ask)  {full * 1000:8.3f} ms")
    print(
        f"ratio answer ÷ bare BM25: {full / bm25:.1f}   (ranking ÷ bare BM25: {ranked / bm25:.1f})"
    )


if __name__ == "__main__":
    main()
