"""Service-desk API: answers."""

from ninja import Router

router = Router()
