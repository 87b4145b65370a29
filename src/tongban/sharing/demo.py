"""Demo data of the sharing app, called by the demo province seed (idempotent).

The base registries are registered resources of their departments out of the box: the
population resource of each demo region's 公安 department and the legal-entity resource of its
市场监督管理 department (the province and the two demo cities). Requests, grants and consumer
systems are left to the people walking through the demo (gz_mca_admin asks 广州市公安局, whose
admin gz_psb_admin decides).
"""

from tongban.sharing.services import catalogue

DEMO_REGIONS = ("440000", "440100", "440300")


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    for division_code in DEMO_REGIONS:
        created = catalogue.ensure_registry_resources(division_code)
        if created:
            report.add(f"sharing: {division_code} registry resources {[r.code for r in created]}")
