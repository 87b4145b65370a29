"""Reads for citizen accounts: profile display, login history, connected applications."""

import re
from dataclasses import dataclass

from django.conf import settings

from tongban.core import masking
from tongban.core.models import RoleAssignment
from tongban.identity.models import LoginEvent, SmsMessage


# --- masking (a citizen's own page shows masked values too) ---------------------------------
def mask_id_number(value: str | None) -> str:
    return masking.mask_id_number(value) if value else ""


def mask_mobile(value: str | None) -> str:
    return masking.mask_mobile(value) if value else ""


# --- user agents -----------------------------------------------------------------------------
_BROWSERS = [("Edg/", "Edge"), ("MicroMessenger", "微信"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("HarmonyOS", "HarmonyOS"),
            ("Linux", "Linux")]


def summarise_user_agent(user_agent: str) -> str:
    """"Chrome · Android" style summary; the raw string is never shown."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), "")
    system = next((name for marker, name in _SYSTEMS if marker in ua), "")
    if not browser and re.match(r"^[\w.-]+/[\d.]+", ua):
        browser = ua.split("/", 1)[0][:20]
    return " · ".join(p for p in (browser, system) if p) or "未知设备"


# --- history ---------------------------------------------------------------------------------
def login_history(user, *, limit: int | None = 20):
    events = LoginEvent.objects.filter(user=user).order_by("-created_at", "-id")
    return events[:limit] if limit else events


@dataclass(frozen=True)
class ConnectedApp:
    id: int
    name: str
    client_id: str
    last_used: object
    tokens: int


def connected_applications(user) -> list[ConnectedApp]:
    """OIDC applications that hold tokens or grants for ``user``."""
    from oauth2_provider.models import (
        get_access_token_model,
        get_application_model,
        get_refresh_token_model,
    )

    seen: dict[int, dict] = {}
    for model in (get_access_token_model(), get_refresh_token_model()):
        for app_id, created in model.objects.filter(user=user, application__isnull=False).values_list(
            "application_id", "created"
        ):
            entry = seen.setdefault(app_id, {"tokens": 0, "last": created})
            entry["tokens"] += 1
            entry["last"] = max(entry["last"], created)
    apps = get_application_model().objects.filter(pk__in=seen).order_by("name")
    return [ConnectedApp(a.pk, a.name or a.client_id, a.client_id, seen[a.pk]["last"],
                         seen[a.pk]["tokens"]) for a in apps]


# --- operators -------------------------------------------------------------------------------
def is_operator(user) -> bool:
    return bool(user.is_authenticated) and RoleAssignment.objects.filter(
        user=user, role=RoleAssignment.Role.OPERATOR
    ).exists()


def sms_outbox(limit: int = 100):
    """Newest first; only meaningful while the SMS simulator is on."""
    if not settings.SIMULATORS_ENABLED:
        return SmsMessage.objects.none()
    return SmsMessage.objects.order_by("-created_at", "-id")[:limit]
