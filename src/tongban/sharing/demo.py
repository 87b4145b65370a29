"""Demo data of the sharing app, called by the demo province seed (idempotent).

The base registries are registered resources of their departments out of the box: the
population resource of each demo region's 公安 department and the legal-entity resource of its
市场监督管理 department (the province and the two demo cities). Requests, grants and consumer
systems are left to the people walking through the demo (gz_mca_admin asks 广州市公安局, whose
admin gz_psb_admin decides).
"""

from django.conf import settings
from django.urls import reverse

from tongban.core import orgunits
from tongban.sharing.models import Resource
from tongban.sharing.services import catalogue

DEMO_REGIONS = ("440000", "440100", "440300")
SOCIAL_INSURANCE_CODE = "440100-RS-SB-0001"


def ensure_demo_api_resource():
    """广州市人力资源和社会保障局's 社会保险参保信息, backed by the demo provider interface."""
    provider = orgunits.department_unit("440100", "人力资源和社会保障局")
    if provider is None or Resource.objects.filter(code=SOCIAL_INSURANCE_CODE).exists():
        return None
    return catalogue.register_resource(
        actor=None,
        provider=provider,
        code=SOCIAL_INSURANCE_CODE,
        name="广州市社会保险参保信息",
        classification="104001",
        items=[
            {
                "key": "id_number",
                "name": "公民身份号码",
                "length": 18,
                "sensitivity": "personal",
                "required": True,
            },
            {"key": "name", "name": "姓名", "length": 64, "sensitivity": "personal"},
            {
                "key": "insurance_status",
                "name": "参保状态",
                "length": 16,
                "sensitivity": "internal",
            },
            {
                "key": "contribution_base",
                "name": "缴费基数（元）",
                "type": "integer",
                "sensitivity": "sensitive",
            },
            {"key": "division_code", "name": "行政区划", "length": 6, "sensitivity": "internal"},
        ],
        share_type=Resource.ShareType.CONDITIONAL,
        backing=Resource.Backing.HTTP_API,
        api_url=settings.SITE_URL.rstrip("/") + reverse("sharing_catalogue:demo_provider"),
        summary="由提供部门业务系统接口实时提供（演示接口）。",
        format="接口",
        share_conditions="用于社会救助、就业服务等法定职责",
        legal_basis="《社会保险法》",
        update_cycle=Resource.UpdateCycle.REALTIME,
        lookup_key="id_number",
        publish=True,
    )


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    for division_code in DEMO_REGIONS:
        created = catalogue.ensure_registry_resources(division_code)
        if created:
            report.add(f"sharing: {division_code} registry resources {[r.code for r in created]}")
    if settings.SIMULATORS_ENABLED and ensure_demo_api_resource() is not None:
        report.add(f"sharing: demo provider interface resource {SOCIAL_INSURANCE_CODE}")
