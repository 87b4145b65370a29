"""Sharing API: catalogue."""

from ninja import Router

router = Router()
