"""Reads for citizen accounts: profile display, login history.

Connected applications are the person's OIDC consents:
``tongban.identity.oidc.selectors.consents_of``."""

import re

from django.conf import settings

from tongban.identity.models import LoginEvent, SmsMessage, User

# --- user agents -----------------------------------------------------------------------------
_BROWSERS = [
    ("Edg/", "Edge"),
    ("MicroMessenger", "微信"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("HarmonyOS", "HarmonyOS"),
    ("Linux", "Linux"),
]


def summarise_user_agent(user_agent: str) -> str:
    """ "Chrome · Android" style summary; the raw string is never shown."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), "")
    system = next((name for marker, name in _SYSTEMS if marker in ua), "")
    if not browser and re.match(r"^[\w.-]+/[\d.]+", ua):
        browser = ua.split("/", 1)[0][:20]
    return " · ".join(p for p in (browser, system) if p) or "未知设备"


# --- accounts --------------------------------------------------------------------------------
def natural_person_by_id_number(id_number: str) -> User | None:
    """The citizen account registered with ``id_number`` (as typed: spaces and case ignored)."""
    id_number = "".join((id_number or "").split()).upper()
    if not id_number:
        return None
    return User.objects.filter(kind=User.Kind.NATURAL, id_number=id_number).first()


# --- history ---------------------------------------------------------------------------------
def login_history(user, *, limit: int | None = 20):
    events = LoginEvent.objects.filter(user=user).order_by("-created_at", "-id")
    return events[:limit] if limit else events


# --- SMS simulator ---------------------------------------------------------------------------
def sms_outbox(limit: int = 100):
    """Newest first; only meaningful while the SMS simulator is on."""
    if not settings.SIMULATORS_ENABLED:
        return SmsMessage.objects.none()
    return SmsMessage.objects.order_by("-created_at", "-id")[:limit]
