"""Service-desk API: logistics."""

from ninja import Router

router = Router()
