"""Sharing API, mounted at /api/v1/sharing/ (catalogue, requests, gateway) and
/api/v1/opendata/ (open datasets)."""

from ninja import Router

from tongban.sharing.api import (
    catalogue,
    exchange,  # exchange jobs and change events
    gateway,
    opendata,
    quality,  # data quality and error reports
    requests,
)

router = Router(tags=["sharing"])
router.add_router("", catalogue.router)
router.add_router("", requests.router)
router.add_router("", gateway.router)
router.add_router("", exchange.router)
router.add_router("", quality.router)
opendata_router = opendata.router
