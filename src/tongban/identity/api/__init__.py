"""Identity API: one router per area, mounted at /api/v1/identity/."""

from ninja import Router

from tongban.identity.api import accounts, companies, staff

router = Router(tags=["identity"])
router.add_router("", accounts.router)
router.add_router("/companies", companies.router)
router.add_router("/staff", staff.router)
