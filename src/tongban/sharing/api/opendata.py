"""Sharing API: opendata."""

from ninja import Router

router = Router(tags=["opendata"])
