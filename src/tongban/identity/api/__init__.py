"""Identity API: one router per area, mounted at /api/v1/identity/."""

from ninja import Router

router = Router(tags=["identity"])
