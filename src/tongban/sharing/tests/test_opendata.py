"""Publishing open datasets: the rules (negative list, no personal or sensitive item),
withdrawal, audit, usage statistics."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.sharing.models import DataItem, NegativeListEntry, OpenDataset
from tongban.sharing.services import opendata
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    published_dataset,
    run_import,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(gz_market_dept, dept_admin):
    resource = make_resource(gz_market_dept)
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(3)))
    return resource


def _refused(resource, actor, code):
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        opendata.publish_dataset(resource, actor=actor)
    assert caught.value.code == code
    assert not OpenDataset.objects.filter(resource=resource).exists()
    assert AuditEvent.objects.count() == events
    return caught.value


def test_publish_records_the_served_columns(resource, dept_admin):
    dataset = opendata.publish_dataset(resource, actor=dept_admin)
    assert dataset.name == "440100-yd-001" and dataset.status == "published"
    event = AuditEvent.objects.get(event_type="sharing.dataset_published")
    assert "remark" not in event.data["columns"] and "uscc" in event.data["columns"]
    assert [c["key"] for c in opendata.open_columns(resource)][:2] == ["name", "uscc"]


@pytest.mark.parametrize("sensitivity", ["personal", "sensitive"])
def test_a_personal_or_sensitive_item_is_never_published(resource, dept_admin, sensitivity):
    DataItem.objects.create(
        resource=resource, key="owner", name="负责人姓名", sensitivity=sensitivity
    )
    error = _refused(resource, dept_admin, "personal_item_not_publishable")
    assert error.status == 409 and "负责人姓名" in error.message


def test_closed_unpublished_or_empty_resources_are_refused(gz_market_dept, dept_admin, resource):
    resource.open_type = "closed"
    resource.save()
    _refused(resource, dept_admin, "open_type_closed")
    resource.open_type = "open"
    resource.status = "draft"
    resource.save()
    _refused(resource, dept_admin, "resource_not_published")
    empty = make_resource(gz_market_dept, code="440100-YD-002")
    _refused(empty, dept_admin, "no_current_version")


def test_negative_list_refuses_and_withdraws(resource, dept_admin, operator):
    dataset = opendata.publish_dataset(resource, actor=dept_admin)
    entry = opendata.add_to_negative_list(
        resource, actor=operator, reason="涉及商业秘密", legal_basis="《数据安全法》"
    )
    dataset.refresh_from_db()
    assert dataset.status == "withdrawn" and "涉及商业秘密" in dataset.withdrawn_reason
    assert AuditEvent.objects.filter(event_type="sharing.dataset_withdrawn").count() == 1
    assert (
        AuditEvent.objects.get(event_type="sharing.negative_list_entry_added").data["reason"]
        == "涉及商业秘密"
    )
    with pytest.raises(DomainError) as caught:
        opendata.publish_dataset(resource, actor=dept_admin)
    assert caught.value.code == "negative_listed"
    with pytest.raises(DomainError) as caught:
        opendata.add_to_negative_list(resource, actor=operator, reason="again")
    assert caught.value.code == "already_negative_listed"
    assert NegativeListEntry.objects.get() == entry

    opendata.remove_from_negative_list(resource, actor=operator)
    assert opendata.publish_dataset(resource, actor=dept_admin).status == "published"


def test_negative_list_is_operator_only(resource, dept_admin):
    with pytest.raises(DomainError) as caught:
        opendata.add_to_negative_list(resource, actor=dept_admin, reason="x")
    assert caught.value.status == 403
    assert not NegativeListEntry.objects.exists()


def test_other_city_cannot_publish(resource, other_city_clerk):
    error = _refused(resource, other_city_clerk, "permission_denied")
    assert error.status == 403


def test_withdraw_needs_a_reason_and_a_published_dataset(resource, dept_admin):
    dataset = opendata.publish_dataset(resource, actor=dept_admin)
    with pytest.raises(DomainError) as caught:
        opendata.withdraw_dataset(dataset, actor=dept_admin, reason=" ")
    assert caught.value.code == "reason_required"
    opendata.withdraw_dataset(dataset, actor=dept_admin, reason="数据有误，更正后重新开放")
    with pytest.raises(DomainError) as caught:
        opendata.withdraw_dataset(dataset, actor=dept_admin, reason="again")
    assert caught.value.code == "dataset_not_published"
    assert opendata.publish_dataset(resource, actor=dept_admin).status == "published"


def test_usage_is_counted_per_day_and_kind(gz_market_dept, dept_admin):
    dataset = published_dataset(gz_market_dept, dept_admin, rows=1)
    for kind in ["view", "view", "download", "api_call"]:
        opendata.record_usage(dataset, kind)
    assert opendata.usage_totals(dataset) == {"view": 2, "download": 1, "api_call": 1}


def test_search_by_words_topic_department(gz_market_dept, dept_admin):
    dataset = published_dataset(gz_market_dept, dept_admin, rows=1)
    assert list(opendata.search_datasets(q="药店")) == [dataset]
    assert list(opendata.search_datasets(q="市场监督")) == [dataset]
    assert list(opendata.search_datasets(q="公交")) == []
    assert list(opendata.search_datasets(topic="医疗卫生")) == [dataset]
    assert list(opendata.search_datasets(provider=gz_market_dept.code)) == [dataset]
    assert list(opendata.search_datasets(tag="医保")) == [dataset]
