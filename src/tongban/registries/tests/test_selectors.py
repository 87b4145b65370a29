import pytest

from tongban.registries import errors, selectors
from tongban.registries.models import LegalEntity, Person
from tongban.registries.services import ensure_demo_people


@pytest.fixture
def demo(db):
    ensure_demo_people()


@pytest.mark.parametrize(
    ("id_number", "name", "phone", "ok", "reason"),
    [
        ("440106199001011235", "张三", "13800138000", True, None),
        ("440106199001011235", "张三", None, True, None),  # phone not checked when not given
        (" 440106199001011235 ", " 张三", None, True, None),  # whitespace tolerated
        ("440106199001011236", "张三", None, False, errors.NOT_FOUND),
        ("440106199001011235", "张四", "13800138000", False, errors.NAME_MISMATCH),
        ("440106199001011235", "张三", "13800138001", False, errors.PHONE_MISMATCH),
        ("440105194803150019", "陈伯", "13600136000", False, errors.DECEASED),
        ("440105194803150019", "陈叔", None, False, errors.NAME_MISMATCH),  # status not revealed
    ],
)
def test_match_person(demo, id_number, name, phone, ok, reason):
    result = selectors.match_person(id_number, name, phone)
    assert (result.ok, result.reason) == (ok, reason)
    assert bool(result) is ok
    assert (result.person is not None) is ok


def test_match_person_cancelled(demo):
    Person.objects.filter(id_number="440304198505050020").update(status="cancelled")
    result = selectors.match_person("440304198505050020", "李四", "13900139000")
    assert (result.ok, result.reason) == (False, errors.CANCELLED)


def test_lower_case_x_is_normalised(db):
    Person.objects.create(
        id_number="44010619900101123X",
        name="甲",
        gender="M",
        birth_date="1990-01-01",
        division_code="440106",
        address="广东省广州市天河区",
    )
    assert selectors.find_person("44010619900101123x").name == "甲"
    assert selectors.find_person("") is None


def test_find_entity_and_entities_represented_by(demo):
    entity = selectors.find_entity("91440106739120115g")
    assert entity.name == "广州市天河区通办示范科技有限公司"
    assert entity.legal_rep_name == "张三"
    assert selectors.find_entity("91440106739120115X") is None
    assert [e.uscc for e in selectors.entities_represented_by("440106199001011235")] == [
        "91440106739120115G"
    ]
    LegalEntity.objects.filter(uscc="91440106739120115G").update(status="cancelled")
    assert not selectors.entities_represented_by("440106199001011235", active_only=True).exists()
    assert selectors.entities_represented_by("440106199001011235").count() == 1
