"""Quality rules and reports: default rules from the catalogue (required items, ID number /
credit code / division checks), the provider's enumerations, freshness against the update
cycle, the department report, the pages (provider workbench, operator console) and bad
input or outsiders changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.registries.models import Person
from tongban.sharing.models import DatasetVersion, QualityReport, QualityRule
from tongban.sharing.services import quality
from tongban.sharing.tests.exchange_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.opendata_support import (  # noqa: F401
    _media_in_tmp,
    make_resource,
)
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import WANG_ID

pytestmark = pytest.mark.django_db


def result(report, kind, item_key):
    return next(r for r in report.results if r["kind"] == kind and r["item_key"] == item_key)


def test_dataset_check_with_default_and_enum_rules(pharmacies, market_admin):
    rules = quality.effective_rules(pharmacies)
    assert {
        "kind": "code",
        "item_key": "uscc",
        "params": {"code_kind": "uscc"},
        "default": True,
    } in rules
    assert any(r["kind"] == "required" and r["item_key"] == "name" for r in rules)
    quality.add_rule(
        actor=market_admin,
        resource=pharmacies,
        kind="enum",
        item_key="district",
        params={"values": "天河区, 越秀区, 海珠区"},
    )
    report = quality.run_check(pharmacies, actor=market_admin)
    assert report.rows_checked == 5
    # pharmacy_rows cycles 天河/越秀/海珠/白云: one 白云区 row fails the enumeration
    district = result(report, "enum", "district")
    assert district["failures"] == 1 and len(district["samples"]) == 1
    assert result(report, "code", "uscc")["failures"] == 0
    assert report.rows_failed == 1
    assert report.pass_rate == pytest.approx(0.8)
    assert AuditEvent.objects.filter(event_type="sharing.quality_rule_added").count() == 1
    assert AuditEvent.objects.filter(event_type="sharing.quality_checked").count() == 1


def test_registry_check_finds_bad_id_numbers_and_masks_samples(population, persons, psb_admin):
    # the fixture's 赵六 (440111198001010018) has a wrong check digit: a real finding
    before = quality.run_check(population, actor=psb_admin)
    assert before.rows_checked == 2  # 广州 persons only
    assert result(before, "code", "id_number")["failures"] == 1
    Person.objects.filter(id_number=WANG_ID).update(id_number="440106199203150048")
    report = quality.run_check(population, actor=psb_admin)
    failures = result(report, "code", "id_number")
    assert failures["failures"] == 2 and report.rows_failed == 2
    assert "440106199203150048" not in failures["samples"]
    assert all("*" in sample for sample in failures["samples"])


def test_freshness_against_the_update_cycle(pharmacies, market_admin, gz_market_dept):
    pharmacies.update_cycle = "monthly"
    pharmacies.save()
    assert quality.run_check(pharmacies).fresh is True
    DatasetVersion.objects.filter(resource=pharmacies).update(
        accepted_at=timezone.now() - timedelta(days=40)
    )
    assert quality.run_check(pharmacies).fresh is False
    pharmacies.update_cycle = "irregular"
    pharmacies.save()
    assert quality.run_check(pharmacies).fresh is None
    api = make_resource(
        gz_market_dept,
        code="440100-YD-API",
        backing="http_api",
        api_url="https://93.184.216.34/api",
        update_cycle="daily",
    )
    report = quality.run_check(api)
    assert report.rows_checkable is False and report.fresh is False and report.rows_checked == 0


def test_department_report_and_periodic_task(pharmacies, market_admin, gz_market_dept):
    from tongban.sharing.tasks_quality import run_quality_checks

    result_ = run_quality_checks.enqueue()
    assert result_.return_value == {"checked": 1}
    summary = quality.department_report(gz_market_dept)
    assert summary["resources_checked"] == 1 and summary["rows_checked"] == 5
    assert summary["pass_rate"] == 1.0


@pytest.mark.parametrize(
    ("kind", "item_key", "params", "code"),
    [
        ("regex", "name", {}, "rule_kind_invalid"),
        ("enum", "nope", {"values": ["a"]}, "rule_item_unknown"),
        ("enum", "district", {"values": []}, "rule_params_invalid"),
        ("code", "uscc", {"code_kind": "passport"}, "rule_params_invalid"),
    ],
)
def test_bad_rules_change_nothing(pharmacies, market_admin, kind, item_key, params, code):
    with pytest.raises(DomainError) as excinfo:
        quality.add_rule(
            actor=market_admin, resource=pharmacies, kind=kind, item_key=item_key, params=params
        )
    assert excinfo.value.code == code
    assert not QualityRule.objects.exists()


def test_other_department_cannot_manage_rules_or_check(pharmacies, psb_admin, client):
    with pytest.raises(DomainError) as excinfo:
        quality.add_rule(actor=psb_admin, resource=pharmacies, kind="required", item_key="address")
    assert excinfo.value.status == 403
    with pytest.raises(DomainError):
        quality.run_check(pharmacies, actor=psb_admin)
    client.force_login(psb_admin)
    response = client.get(f"/workbench/sharing/quality/resources/{pharmacies.code}/")
    assert response.status_code == 404
    response = client.post(f"/workbench/sharing/quality/resources/{pharmacies.code}/check/")
    assert response.status_code == 404
    assert not QualityRule.objects.exists() and not QualityReport.objects.exists()


def test_pages_provider_and_console(
    client, pharmacies, market_admin, operator, outsider, django_capture_on_commit_callbacks
):
    client.force_login(market_admin)
    page = client.get(f"/workbench/sharing/quality/resources/{pharmacies.code}/")
    assert page.status_code == 200 and "uscc" in page.content.decode()
    response = client.post(
        f"/workbench/sharing/quality/resources/{pharmacies.code}/",
        {"kind": "enum", "item_key": "district", "values": "天河区,越秀区"},
    )
    assert response.status_code == 302
    rule = QualityRule.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workbench/sharing/quality/resources/{pharmacies.code}/check/")
    assert response.status_code == 302
    assert QualityReport.objects.filter(resource=pharmacies).count() == 1  # task ran
    home = client.get("/workbench/sharing/quality/")
    assert home.status_code == 200 and pharmacies.name in home.content.decode()
    client.post(f"/workbench/sharing/quality/resources/{pharmacies.code}/rules/{rule.pk}/delete/")
    assert not QualityRule.objects.exists()
    client.force_login(operator)
    console = client.get("/console/sharing/quality/")
    assert console.status_code == 200 and "市场监督管理局" in console.content.decode()
    client.force_login(market_admin)  # a department admin has no platform view
    assert client.get("/console/sharing/quality/").status_code == 403
    client.force_login(outsider)
    assert client.get("/console/sharing/quality/").status_code in (302, 403)
    assert client.get("/workbench/sharing/quality/").status_code in (302, 403)


def test_quality_api_provider_only(client, pharmacies, market_admin, psb_admin, outsider):
    quality.run_check(pharmacies)
    client.force_login(market_admin)
    body = client.get(f"/api/v1/sharing/quality/resources/{pharmacies.code}").json()
    assert body["report"]["rows_checked"] == 5 and any(
        r["item_key"] == "uscc" for r in body["rules"]
    )
    unknown = client.get("/api/v1/sharing/quality/resources/NO-SUCH")
    assert unknown.status_code == 404 and unknown.json()["code"] == "resource_not_found"
    client.force_login(psb_admin)
    response = client.get(f"/api/v1/sharing/quality/resources/{pharmacies.code}")
    assert response.status_code == 404
    client.force_login(outsider)
    assert client.get(f"/api/v1/sharing/quality/resources/{pharmacies.code}").status_code in (
        403,
        404,
    )
    assert QualityReport.objects.count() == 1
