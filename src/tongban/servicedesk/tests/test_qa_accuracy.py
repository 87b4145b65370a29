"""Accuracy of the assistant on the question set (≥ 100 everyday questions).

The knowledge base is what the platform ships: the province catalogue (``import_catalog``)
and, for the full knowledge base, the demo FAQ entries of the departments
(``demo_knowledge.seed``). The floors asserted here are below the accuracy measured when the
set was written (``bench/bench_qa.py`` prints it, split into the questions the lexicon was
tuned on and the held-out ones), so a change that makes the assistant clearly worse fails.
"""

import pytest

from tongban.servicedesk.qa import engine
from tongban.servicedesk.qa.evaluation import evaluate, load_questions

pytestmark = pytest.mark.django_db

FLOORS = {"catalogue": (0.85, 0.90), "with_faq": (0.85, 0.90)}


@pytest.fixture
def catalogue(db):
    from tongban.catalog.importer import import_catalog
    from tongban.core.orgunits import seed_org_units

    seed_org_units()
    import_catalog()


@pytest.fixture
def demo_faqs(catalogue):
    from tongban.core.orgunits import region_unit
    from tongban.servicedesk import demo_knowledge
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    operator = StaffFactory(username="operator", name="周运营")
    RoleAssignmentFactory(
        user=operator, org_unit=region_unit("440000"), role="operator", covers_children=True
    )
    lines = []
    demo_knowledge.seed(type("Report", (), {"add": lambda self, line: lines.append(line)})())
    return lines


def keys(question: str) -> list[str]:
    return [ranked.doc.key for ranked in engine.rank(question).items]


def report(result) -> str:
    return f"top-1 {result.top1_rate:.1%}, top-3 {result.top3_rate:.1%}; misses: {result.misses}"


def test_question_set_is_large_and_names_real_items(catalogue):
    from tongban.catalog.models import ServiceItem

    questions = load_questions()
    assert len(questions) >= 100
    known = set(ServiceItem.objects.values_list("key", flat=True))
    assert {key for row in questions for key in row["expect"]} <= known
    assert known <= {key for row in questions for key in row["expect"]}  # every item asked


def test_accuracy_catalogue_only(catalogue):
    result = evaluate(load_questions(), keys)
    top1, top3 = FLOORS["catalogue"]
    assert result.top1_rate >= top1, report(result)
    assert result.top3_rate >= top3, report(result)


def test_accuracy_with_the_departments_faq_entries(demo_faqs):
    assert demo_faqs  # the FAQ entries were seeded
    result = evaluate(load_questions(), keys)
    top1, top3 = FLOORS["with_faq"]
    assert result.top1_rate >= top1, report(result)
    assert result.top3_rate >= top3, report(result)


def test_demo_seed_is_idempotent_and_audited(demo_faqs):
    from tongban.core.models import AuditEvent
    from tongban.servicedesk import demo_knowledge
    from tongban.servicedesk.models import FaqEntry

    count = FaqEntry.objects.count()
    assert count == len(demo_knowledge.DEMO_FAQS)
    assert AuditEvent.objects.filter(event_type="servicedesk.faq_created").count() == count
    lines = []
    demo_knowledge.seed(type("Report", (), {"add": lambda self, line: lines.append(line)})())
    assert lines == [] and FaqEntry.objects.count() == count


def test_the_issue_examples(demo_faqs):
    assert keys("身份证过期了怎么办")[0] == "id-card-renewal"
    assert {"sole-trader-registration", "food-business-licence"} <= set(
        keys("开个小饭馆要办什么证")[:2]
    )
