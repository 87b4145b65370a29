"""Service-desk API: workorders."""

from ninja import Router

router = Router()
