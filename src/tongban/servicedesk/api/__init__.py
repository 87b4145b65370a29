"""Service-desk API, mounted at /api/v1/servicedesk/."""

from ninja import Router

from tongban.servicedesk.api import answers, halls, logistics, workorders

router = Router(tags=["servicedesk"])
router.add_router("", halls.router)
router.add_router("", answers.router)
router.add_router("", workorders.router)
router.add_router("", logistics.router)
