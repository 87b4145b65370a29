"""Licences API, mounted at /api/v1/licences/."""

from ninja import Router

from tongban.licences.api import admin, verification, wallet

router = Router(tags=["licences"])
router.add_router("", verification.router)
router.add_router("/wallet", wallet.router)
router.add_router("/admin", admin.router)
