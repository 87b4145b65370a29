import pytest

from tongban.core.models import AuditEvent
from tongban.registries.models import Person
from tongban.registries.services import ensure_demo_people

URL = "/registries/lookup/"


@pytest.fixture
def demo(db):
    ensure_demo_people()


def test_clerk_looks_up_a_person_of_own_city(client, demo, clerk):
    client.force_login(clerk)
    response = client.get(URL, {"q": "440106199001011235"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "13800138000" in html and "张三" in html
    assert "广州市天河区通办示范科技有限公司" in html
    assert 'for="id_q"' in html


def test_other_city_clerk_sees_masked_person(client, demo, other_city_clerk):
    client.force_login(other_city_clerk)
    html = client.get(URL, {"q": "440106199001011235"}).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert "已脱敏" in html


def test_entity_lookup_and_htmx_partial(client, demo, clerk):
    client.force_login(clerk)
    response = client.get(URL, {"q": "91440106739120115G"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "广州市天河区通办示范科技有限公司" in html
    assert "<html" not in html  # the partial only


def test_not_found_and_bad_length(client, demo, clerk):
    client.force_login(clerk)
    assert "均未找到" in client.get(URL, {"q": "440106199001011243"}).content.decode()
    assert "18 位" in client.get(URL, {"q": "123"}).content.decode()


def test_citizen_gets_403_and_nothing(client, demo, citizen):
    before = (Person.objects.count(), AuditEvent.objects.count())
    client.force_login(citizen)
    response = client.get(URL, {"q": "440106199001011235"})
    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get(URL, {"q": "440106199001011235"})
    assert response.status_code == 302
    assert "13800138000" not in response.content.decode()


def test_lookup_page_reads_are_audited(client, demo, clerk, gz_market_dept):
    client.force_login(clerk)
    client.get(URL, {"q": "440106199001011235"})
    client.get(URL, {"q": "91440106739120115G"})
    person = AuditEvent.objects.get(event_type="registries.person_viewed")
    entity = AuditEvent.objects.get(event_type="registries.entity_viewed")
    assert person.actor_id == entity.actor_id == clerk.pk
    assert person.data["query"] == "440***********1235" and person.data["unmasked"] is True
    assert person.data["entities_listed"] >= 1
    assert entity.data["query"] == "91440106739120115G"
    assert person.org_unit_id == entity.org_unit_id == gz_market_dept.pk
