# ruff: noqa: F811  (fixtures imported from qa_support are used as arguments)
"""Retrieval pieces: BM25, question text (normalisation, expansion, signatures), the index's
lazy rebuild, and the ranking rules (name bonus, ask-back, nothing found)."""

import math

import pytest

from tongban.servicedesk.qa import bm25, engine, index, text
from tongban.servicedesk.tests.qa_support import catalogue  # noqa: F401  (fixtures)


def test_bm25_prefers_rare_terms_and_short_documents():
    idx = bm25.Bm25Index()
    idx.add({"身份证": 3.0, "换领": 3.0})
    idx.add({"驾驶证": 3.0, "换证": 3.0, "身份证": 0.5})
    idx.add({"驾驶证": 3.0, "换证": 3.0, "身份证": 0.5, "体检": 1.0, "证明": 1.0})
    idx.finish()
    assert idx.idf["换领"] > idx.idf["身份证"]
    assert idx.idf["换领"] == pytest.approx(math.log(1 + (3 - 1 + 0.5) / 1.5))
    scores = idx.score({"身份证": 1.0, "换领": 1.0})
    assert max(scores, key=scores.get) == 0
    shorter, longer = idx.score({"驾驶证": 1.0})[1], idx.score({"驾驶证": 1.0})[2]
    assert shorter > longer


def test_one_phrase_counts_once_however_many_of_its_words_a_name_has():
    idx = bm25.FieldedIndex(mix={"title": 1.0})
    idx.add({"title": {"居民身份证": 3.0, "换领": 3.0}})
    idx.add({"title": {"驾驶证": 3.0, "换证": 3.0, "有效期满": 3.0}})
    idx.finish()
    flat = idx.score({"换领": 0.8, "换证": 0.8, "有效期满": 0.8})
    assert flat[1] > 1.5 * flat[0]  # summed, the name with more synonyms runs away
    alternatives = (frozenset({"换领"}), frozenset({"换证"}), frozenset({"有效期满"}))
    grouped = idx.score_groups([(0.8, alternatives)])
    assert grouped[1] == pytest.approx(grouped[0], rel=0.2)


def test_normalise_and_signature(catalogue):
    assert text.normalise("  身份证　过期了？ABC ") == "身份证 过期了?abc"
    assert text.signature("身份证过期了怎么办？") == text.signature("我的身份证，过期了")
    assert text.signature("身份证过期了怎么办") == "身份证 过期"


def test_expansion_adds_the_words_everyday_phrases_stand_for(catalogue):
    query = text.query_terms("开个小饭馆要办什么证")
    assert "饭馆" in query.typed
    assert "小饭馆" in query.phrases
    assert any("食品" in words for _weight, alternatives in query.groups for words in alternatives)
    assert "小饭馆" in text.together()
    assert all(weight <= 1.0 for weight in query.weights.values())


@pytest.mark.django_db
def test_index_is_built_once_and_rebuilt_when_the_catalogue_changes(catalogue, dept_admin):
    from tongban.catalog import services as catalog_services
    from tongban.catalog.models import ServiceItem

    first = index.get_index()
    assert index.get_index() is first  # same token: no rebuild
    item = ServiceItem.objects.get(key="legal-aid")
    catalog_services.bump_revision()
    rebuilt = index.get_index()
    assert rebuilt is not first
    assert "legal-aid" in rebuilt.by_key
    ServiceItem.objects.filter(pk=item.pk).update(is_withdrawn=True)
    catalog_services.bump_revision()
    assert "legal-aid" not in index.get_index().by_key


@pytest.mark.django_db
def test_typing_an_items_name_answers_it_without_asking_back(catalogue):
    ranking = engine.rank("住房公积金个人住房贷款")
    assert ranking.items[0].doc.key == "housing-fund-loan"
    assert ranking.ask_back == []


@pytest.mark.django_db
def test_a_question_naming_one_item_does_not_ask_back(catalogue):
    assert engine.rank("公积金贷款怎么申请").ask_back == []
    assert len(engine.rank("公积金").ask_back) == 2


@pytest.mark.django_db
def test_unrelated_question_has_no_answer(catalogue):
    ranking = engine.rank("明天会下雨吗")
    assert not ranking.answered
    assert ranking.items == [] and ranking.ask_back == []


@pytest.mark.django_db
def test_boosts_multiply_scores(catalogue):
    plain = {r.doc.key: r.score for r in engine.rank("公积金").items}
    item_id = index.get_index().items[index.get_index().by_key["housing-fund-loan"]].item_id
    boosted = {r.doc.key: r.score for r in engine.rank("公积金", boosts={item_id: 0.5}).items}
    assert boosted["housing-fund-loan"] == pytest.approx(plain["housing-fund-loan"] * 1.5, rel=1e-3)
    assert next(iter(boosted)) == "housing-fund-loan"
