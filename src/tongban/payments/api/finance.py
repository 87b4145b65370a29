"""Payments API: finance."""

from ninja import Router

router = Router()
