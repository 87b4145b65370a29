import pytest

from tongban.core.models import AuditEvent
from tongban.registries.models import LegalEntity, Person
from tongban.registries.services import ensure_demo_people

PERSON_URL = "/api/v1/registries/persons/{}"
ENTITY_URL = "/api/v1/registries/entities/{}"
ZHANG = "440106199001011235"
DEMO_USCC = "91440106739120115G"


@pytest.fixture
def demo(db):
    ensure_demo_people()


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _state():
    return (
        list(Person.objects.order_by("pk").values()),
        list(LegalEntity.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def test_clerk_of_the_persons_city_sees_unmasked_data(client, demo, clerk):
    response = _get(client, clerk, PERSON_URL.format(ZHANG))
    assert response.status_code == 200
    body = response.json()
    assert body["masked"] is False
    assert (body["id_number"], body["name"], body["phone"]) == (ZHANG, "张三", "13800138000")
    assert body["birth_date"] == "1990-01-01"
    assert body["status"] == "normal"


def test_other_city_clerk_sees_masked_data(client, demo, other_city_clerk):
    body = _get(client, other_city_clerk, PERSON_URL.format(ZHANG)).json()
    assert body["masked"] is True
    assert body["id_number"] == "440***********1235"
    assert body["name"] == "张*"
    assert body["phone"] == "138****8000"
    assert body["birth_date"] is None
    assert "体育西路" not in body["address"]


def test_operator_without_view_pii_sees_masked_data(client, demo, operator):
    body = _get(client, operator, PERSON_URL.format(ZHANG)).json()
    assert body["masked"] is True and body["phone"] == "138****8000"


@pytest.mark.parametrize("url", [PERSON_URL.format(ZHANG), ENTITY_URL.format(DEMO_USCC)])
def test_citizen_is_refused_and_gets_nothing(client, demo, citizen, url):
    before = _state()
    response = _get(client, citizen, url)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert "张三" not in response.content.decode() and ZHANG not in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("url", [PERSON_URL.format(ZHANG), ENTITY_URL.format(DEMO_USCC)])
def test_anonymous_is_refused(client, demo, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_person_is_404_with_code(client, demo, clerk):
    before = _state()
    response = _get(client, clerk, PERSON_URL.format("440106199001011243"))
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"
    assert _state() == before


def test_entity_lookup(client, demo, clerk, other_city_clerk):
    body = _get(client, clerk, ENTITY_URL.format(DEMO_USCC)).json()
    assert body["name"] == "广州市天河区通办示范科技有限公司"
    assert body["entity_type"] == "enterprise" and body["entity_type_display"] == "企业"
    assert body["legal_rep_id_number"] == ZHANG and body["masked"] is False
    assert float(body["registered_capital"]) == 500

    client.logout()
    other = _get(client, other_city_clerk, ENTITY_URL.format(DEMO_USCC)).json()
    assert other["legal_rep_id_number"] == "440***********1235" and other["masked"] is True
    assert other["name"] == "广州市天河区通办示范科技有限公司"  # public register data


def test_unknown_entity_is_404(client, demo, clerk):
    response = _get(client, clerk, ENTITY_URL.format("91440106739120116X"))
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_operation_ids_in_openapi(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    ops = {op["operationId"] for path in paths.values() for op in path.values()}
    assert {"registries_get_person", "registries_get_entity"} <= ops


# --- reads are audited -----------------------------------------------------------------------
def _viewed(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def test_person_reads_are_audited_with_masked_query(
    client, demo, clerk, other_city_clerk, gz_market_dept, sz_market_dept
):
    assert _get(client, clerk, PERSON_URL.format(ZHANG)).status_code == 200
    assert _get(client, other_city_clerk, PERSON_URL.format(ZHANG)).status_code == 200
    first, second = _viewed("registries.person_viewed")
    assert first.actor_id == clerk.pk and second.actor_id == other_city_clerk.pk
    assert first.data["query"] == "440***********1235" and ZHANG not in str(first.data)
    assert first.data["unmasked"] is True and second.data["unmasked"] is False
    assert ZHANG not in first.target_label and "张三" not in first.target_label
    assert first.org_unit_id == gz_market_dept.pk and second.org_unit_id == sz_market_dept.pk


def test_entity_reads_are_audited(client, demo, clerk):
    assert _get(client, clerk, ENTITY_URL.format(DEMO_USCC)).status_code == 200
    (event,) = _viewed("registries.entity_viewed")
    assert event.actor_id == clerk.pk and event.data["query"] == DEMO_USCC
    assert event.data["unmasked"] is True and event.target_type == "registries.legalentity"


def test_refused_and_unknown_reads_write_nothing(client, demo, citizen, clerk):
    before = _state()
    assert _get(client, citizen, PERSON_URL.format(ZHANG)).status_code == 403
    assert _get(client, clerk, PERSON_URL.format("440106199001011243")).status_code == 404
    assert _state() == before
