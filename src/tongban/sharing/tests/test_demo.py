"""The demo seed registers the registries as resources of their departments, idempotently."""

import pytest

from tongban.core.orgunits import department_unit, seed_org_units
from tongban.sharing import demo
from tongban.sharing.models import Resource

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)


def test_demo_seed_registers_registry_resources_once(settings):
    settings.SIMULATORS_ENABLED = True
    seed_org_units()
    report = Report()
    demo.seed(report)
    demo.seed(report)
    assert len(report.lines) == len(demo.DEMO_REGIONS) + 1
    population = Resource.objects.get(code="440100-GA-RK-0001")
    assert population.provider == department_unit("440100", "公安局")
    assert Resource.objects.get(code="440100-SJ-FR-0001").provider == department_unit(
        "440100", "市场监督管理局"
    )
    api = Resource.objects.get(code=demo.SOCIAL_INSURANCE_CODE)
    assert api.backing == "http_api" and api.api_url.endswith(
        "/data/demo-provider/social-insurance/"
    )
    assert Resource.objects.count() == 2 * len(demo.DEMO_REGIONS) + 1
