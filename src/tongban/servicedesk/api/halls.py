"""Service-desk API: halls."""

from ninja import Router

router = Router()
