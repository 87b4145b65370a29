"""Payments API: orders."""

from ninja import Router

router = Router()
