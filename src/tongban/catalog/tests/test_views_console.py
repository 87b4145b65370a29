import pytest
from django.urls import reverse

from tongban.catalog.models import ItemVersion, ServiceItem
from tongban.core.models import AuditEvent
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory
from tongban.testing.factories_catalog import make_published_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def sz_dept_admin(sz_market_dept):
    user = StaffFactory(username="sz_admin")
    RoleAssignmentFactory(user=user, org_unit=sz_market_dept, role="dept_admin")
    return user


@pytest.fixture
def sz_item(sz_market_dept):
    return make_published_item(sz_market_dept, key="sz-item", name="深圳测试事项")


def url(name, *args):
    return reverse(f"catalog_console:{name}", args=args)


def catalog_events():
    return AuditEvent.objects.filter(event_type__startswith="catalog.")


def test_list_shows_only_manageable_items(client, dept_admin, gz_item, sz_item):
    client.force_login(dept_admin)
    html = client.get(url("item_list")).content.decode()
    assert gz_item.name in html and sz_item.name not in html


def test_full_cycle_through_pages(client, dept_admin, gz_item):
    client.force_login(dept_admin)
    response = client.post(url("draft_create", gz_item.key), {"change_note": "缩短承诺时限"})
    assert response.status_code == 302
    draft = gz_item.versions.get(number=2)
    edit = url("version_edit", gz_item.key, 2)
    assert response["Location"] == edit
    assert "缩短承诺时限" in client.get(edit).content.decode()

    data = {
        "handling_type": "承诺件",
        "legal_days": 20,
        "promised_days": 30,
        "fee_amount": "0",
        "max_visits": 0,
        "online": "on",
    }
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "承诺办结时限不得超过法定办结时限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.promised_days == 10

    data["promised_days"] = 3
    assert client.post(edit, data).status_code == 302
    client.post(
        url("material_add", gz_item.key, 2),
        {
            "name": "营业执照副本",
            "form": "electronic",
            "copies": 1,
            "licence_type_key": "business-licence",
        },
    )
    assert draft.materials.filter(name="营业执照副本", licence_type_key="business-licence").exists()
    removed = draft.materials.get(name="申请书")
    client.post(url("material_remove", gz_item.key, 2, removed.pk))
    assert not draft.materials.filter(pk=removed.pk).exists()
    client.post(
        url("process_edit", gz_item.key, 2),
        {"process": "审查：市场监督管理局、公安局\n决定：市场监督管理局"},
    )
    assert [s.tasks.count() for s in draft.stages.order_by("position")] == [2, 1]

    client.post(url("version_action", gz_item.key, 2, "submit"))
    client.post(url("version_action", gz_item.key, 2, "publish"))
    gz_item.refresh_from_db()
    assert gz_item.current_version.number == 2 and gz_item.current_version.promised_days == 3
    # published: the page refuses edits
    response = client.post(edit, data | {"promised_days": 1})
    assert response.status_code == 400
    assert ItemVersion.objects.get(pk=draft.pk).promised_days == 3
    assert catalog_events().filter(event_type="catalog.item_version_published").count() == 1


def test_withdraw_restore_and_limits_pages(client, dept_admin, gz_item):
    client.force_login(dept_admin)
    client.post(url("item_withdraw", gz_item.key), {"reason": "调整"})
    assert ServiceItem.objects.get(pk=gz_item.pk).is_withdrawn
    client.post(url("item_restore", gz_item.key))
    assert not ServiceItem.objects.get(pk=gz_item.pk).is_withdrawn

    impl = gz_item.implementations.get()
    page = url("implementation_edit", impl.pk)
    assert client.get(page).status_code == 200
    response = client.post(page, {"legal_days": 30, "promised_days": 5})
    assert response.status_code == 400
    assert "不得超过事项的法定时限" in response.content.decode()
    assert client.post(page, {"legal_days": 15, "promised_days": 5}).status_code == 302
    impl.refresh_from_db()
    assert (impl.legal_days, impl.promised_days) == (15, 5)


def test_citizen_and_clerk_get_403(client, citizen, clerk, gz_item):
    impl = gz_item.implementations.get()
    for user in (citizen, clerk):
        client.force_login(user)
        assert client.get(url("item_list")).status_code == 403
        assert client.get(url("item_detail", gz_item.key)).status_code == 403
        assert client.post(url("draft_create", gz_item.key)).status_code == 403
        assert client.post(url("item_withdraw", gz_item.key)).status_code == 403
        response = client.post(
            url("implementation_edit", impl.pk), {"legal_days": 5, "promised_days": 1}
        )
        assert response.status_code == 403
    assert gz_item.versions.count() == 1
    assert not ServiceItem.objects.get(pk=gz_item.pk).is_withdrawn
    assert not catalog_events().exists()


def test_anonymous_is_sent_to_login(client, gz_item):
    response = client.get(url("item_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_other_city_dept_admin_cannot_edit(client, sz_dept_admin, gz_item):
    client.force_login(sz_dept_admin)
    impl = gz_item.implementations.get()
    assert client.get(url("item_detail", gz_item.key)).status_code == 404
    assert client.post(url("draft_create", gz_item.key)).status_code == 404
    assert client.post(url("item_withdraw", gz_item.key)).status_code == 404
    assert client.get(url("version_edit", gz_item.key, 1)).status_code == 404
    response = client.post(
        url("implementation_edit", impl.pk), {"legal_days": 5, "promised_days": 1}
    )
    assert response.status_code == 404
    impl.refresh_from_db()
    assert (impl.legal_days, impl.promised_days) == (20, 10)
    assert gz_item.versions.count() == 1 and not ServiceItem.objects.get(pk=gz_item.pk).is_withdrawn
    assert not catalog_events().exists()
