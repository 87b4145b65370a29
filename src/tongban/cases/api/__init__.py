"""Cases API, mounted at /api/v1/cases/: one router per area."""

from ninja import Router

from tongban.cases.api import applications, evaluations, webhooks, workbench

router = Router(tags=["cases"])
router.add_router("", applications.router)
router.add_router("/workbench", workbench.router)
router.add_router("", evaluations.router)
router.add_router("/webhooks", webhooks.router)
