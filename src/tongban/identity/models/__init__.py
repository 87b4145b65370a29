from tongban.identity.models.oidc import ClientPolicy, OidcConsent
from tongban.identity.models.security import (
    KnownDevice,
    LoginEvent,
    OtpChallenge,
    OtpPurpose,
    SmsMessage,
)
from tongban.identity.models.users import RealnameMethod, User

__all__ = [
    "ClientPolicy",
    "KnownDevice",
    "LoginEvent",
    "OidcConsent",
    "OtpChallenge",
    "OtpPurpose",
    "RealnameMethod",
    "SmsMessage",
    "User",
]
