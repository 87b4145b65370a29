"""Console pages: licence types (manage) and issuing by hand / CSV import; outsiders."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.licences.models import Licence, LicenceType
from tongban.licences.tests.issuing_support import (
    COMPANY_USCC,
    business_fields,
    business_type,
    gz_seal,
    licence_directory,
    resident_type,
)

__all__ = ["business_type", "gz_seal", "licence_directory", "resident_type"]  # fixtures


def _client(client, user):
    client.force_login(user)
    return client


# --- types ----------------------------------------------------------------------------------------
def test_type_list_shows_own_department_types(client, dept_admin, licence_directory):
    response = _client(client, dept_admin).get(reverse("licences_console:type_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "营业执照" in text and "食品经营许可证" in text
    assert "居民身份证" not in text


def test_type_schema_edit(client, dept_admin, business_type):
    url = reverse("licences_console:type_detail", args=["business-licence"])
    schema = (
        '[{"name": "entity_name", "label": "名称", "role": "holder_name"}, '
        '{"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "role": "holder_code"}]'
    )
    response = _client(client, dept_admin).post(url, {"schema_json": schema})
    assert response.status_code == 302
    business_type.refresh_from_db()
    assert [f["name"] for f in business_type.field_schema] == ["entity_name", "uscc"]


def test_type_schema_bad_json_changes_nothing(client, dept_admin, business_type):
    before = business_type.field_schema
    url = reverse("licences_console:type_detail", args=["business-licence"])
    response = _client(client, dept_admin).post(url, {"schema_json": '[{"name": "X"}]'})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    business_type.refresh_from_db()
    assert business_type.field_schema == before


def test_type_toggle(client, dept_admin, business_type):
    url = reverse("licences_console:type_toggle", args=["business-licence"])
    _client(client, dept_admin).post(url, {"active": "0"})
    business_type.refresh_from_db()
    assert not business_type.is_active


@pytest.mark.parametrize("persona", ["citizen", "clerk", "other_city_clerk"])
def test_outsiders_cannot_manage_types(client, request, persona, business_type):
    user = request.getfixturevalue(persona)
    before = business_type.field_schema
    c = _client(client, user)
    assert c.get(reverse("licences_console:type_list")).status_code == 403
    url = reverse("licences_console:type_detail", args=["business-licence"])
    assert c.post(url, {"schema_json": "[]"}).status_code == 403
    toggle = reverse("licences_console:type_toggle", args=["business-licence"])
    assert c.post(toggle, {"active": "0"}).status_code == 403
    business_type.refresh_from_db()
    assert business_type.field_schema == before and business_type.is_active


def test_other_departments_type_is_not_found(client, dept_admin, resident_type):
    c = _client(client, dept_admin)
    url = reverse("licences_console:type_detail", args=["resident-id"])
    assert c.get(url).status_code == 404
    toggle = reverse("licences_console:type_toggle", args=["resident-id"])
    assert c.post(toggle, {"active": "0"}).status_code == 404
    assert LicenceType.objects.get(key="resident-id").is_active


def test_anonymous_redirected_to_login(client, licence_directory):
    response = client.get(reverse("licences_console:type_list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- manual issuing ---------------------------------------------------------------------------------
def _issue_post(issuer, **overrides):
    fields = business_fields()
    data = {
        "issuer": issuer.pk,
        "holder_name": fields["entity_name"],
        "holder_code": COMPANY_USCC,
        "valid_from": "",
    }
    data.update({f"f_{k}": v for k, v in fields.items() if k not in ("entity_name", "uscc")})
    data.update(overrides)
    return data


def test_issue_form_built_from_schema(client, approver, business_type, gz_seal):
    response = _client(client, approver).get(
        reverse("licences_console:issue_form", args=["business-licence"])
    )
    text = response.content.decode()
    assert response.status_code == 200
    for label in ("法定代表人/经营者", "注册资本（万元）", "成立日期", "经营范围"):
        assert label in text
    assert 'name="f_established_on"' in text and 'type="date"' in text


def test_issue_by_hand(client, approver, business_type, gz_seal, gz_market_dept):
    c = _client(client, approver)
    url = reverse("licences_console:issue_form", args=["business-licence"])
    response = c.post(url, _issue_post(gz_market_dept))
    assert response.status_code == 302
    licence = Licence.objects.get()
    assert response["Location"] == reverse("licences_console:issue_done", args=[licence.pk])
    assert licence.fields["legal_rep"] == "张三"
    page = c.get(response["Location"]).content.decode()
    assert licence.identifier in page
    assert AuditEvent.objects.get(event_type="licences.licence_issued").actor_id == approver.pk


def test_issue_form_shows_service_errors_and_issues_nothing(
    client, approver, business_type, gz_seal, gz_market_dept
):
    url = reverse("licences_console:issue_form", args=["business-licence"])
    response = _client(client, approver).post(
        url,
        _issue_post(
            gz_market_dept, holder_code="91440106739120115H", f_established_on="2018-02-30"
        ),
    )
    assert response.status_code == 200
    assert "持证主体代码" in response.content.decode()
    assert not Licence.objects.exists()


def test_issue_form_offers_own_departments_only(
    client, approver, business_type, gz_seal, gz_market_dept, sz_market_dept
):
    url = reverse("licences_console:issue_form", args=["business-licence"])
    response = _client(client, approver).post(url, _issue_post(sz_market_dept))
    assert response.status_code == 200  # not a valid choice
    assert not Licence.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "clerk", "other_city_clerk"])
def test_outsiders_cannot_issue(client, request, persona, business_type, gz_seal, gz_market_dept):
    user = request.getfixturevalue(persona)
    c = _client(client, user)
    url = reverse("licences_console:issue_form", args=["business-licence"])
    assert c.post(url, _issue_post(gz_market_dept)).status_code == 403
    assert c.get(reverse("licences_console:issue_start")).status_code == 403
    assert not Licence.objects.exists()


def test_issue_done_of_other_department_is_not_found(
    client, approver, business_type, gz_seal, gz_market_dept, sz_market_dept
):
    from tongban.licences.services import seals
    from tongban.licences.tests.issuing_support import issue_business
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    seals.create_seal(sz_market_dept, actor=None)
    licence = issue_business(sz_market_dept, None)
    c = _client(client, approver)
    assert c.get(reverse("licences_console:issue_done", args=[licence.pk])).status_code == 404
    sz_approver = StaffFactory(username="sz_approver")
    RoleAssignmentFactory(user=sz_approver, org_unit=sz_market_dept, role="approver")
    c.force_login(sz_approver)
    assert c.get(reverse("licences_console:issue_done", args=[licence.pk])).status_code == 200


# --- import ------------------------------------------------------------------------------------------
CSV = (
    "持证主体,持证主体代码,类型,法定代表人/经营者,成立日期,住所/经营场所\n"
    "广州市天河区通办示范科技有限公司,91440106739120115G,有限责任公司,张三,2018-06-01,天河路385号\n"
    "深圳市福田区鹏城示范贸易有限公司,914403047391202117,有限责任公司,李四,2015-03-20,福华三路88号\n"
)


def test_import_preview_then_confirm(client, approver, business_type, gz_seal, gz_market_dept):
    c = _client(client, approver)
    url = reverse("licences_console:issue_import", args=["business-licence"])
    upload = SimpleUploadedFile("licences.csv", CSV.encode(), content_type="text/csv")
    response = c.post(url, {"issuer": gz_market_dept.pk, "file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "可导入 2 行" in text and "确认导入 2 份证照" in text
    assert not Licence.objects.exists()
    content = response.context["content"]
    response = c.post(url, {"issuer": gz_market_dept.pk, "content": content, "confirm": "1"})
    assert response.status_code == 302
    assert Licence.objects.count() == 2


def test_import_preview_lists_rejected_rows(
    client, approver, business_type, gz_seal, gz_market_dept
):
    bad = CSV + "某公司,914403047391202118,有限责任公司,王五,2015-03-20,某地\n"
    c = _client(client, approver)
    url = reverse("licences_console:issue_import", args=["business-licence"])
    upload = SimpleUploadedFile("licences.csv", bad.encode(), content_type="text/csv")
    text = c.post(url, {"issuer": gz_market_dept.pk, "file": upload}).content.decode()
    assert "第 4 行" in text and "确认导入" not in text
    assert not Licence.objects.exists()


def test_outsider_cannot_import(client, other_city_clerk, business_type, gz_seal, gz_market_dept):
    url = reverse("licences_console:issue_import", args=["business-licence"])
    upload = SimpleUploadedFile("licences.csv", CSV.encode(), content_type="text/csv")
    response = _client(client, other_city_clerk).post(
        url, {"issuer": gz_market_dept.pk, "file": upload}
    )
    assert response.status_code == 403
    assert not Licence.objects.exists()
