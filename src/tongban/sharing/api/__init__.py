"""Sharing API, mounted at /api/v1/sharing/ (catalogue, requests, gateway) and
/api/v1/opendata/ (open datasets)."""

from ninja import Router

from tongban.sharing.api import catalogue, gateway, opendata, requests

router = Router(tags=["sharing"])
router.add_router("", catalogue.router)
router.add_router("", requests.router)
router.add_router("", gateway.router)
opendata_router = opendata.router
