"""Sharing API: gateway."""

from ninja import Router

router = Router()
