from tongban.identity.models.security import (
    KnownDevice,
    LoginEvent,
    OtpChallenge,
    OtpPurpose,
    SmsMessage,
)
from tongban.identity.models.users import RealnameMethod, User

__all__ = [
    "KnownDevice",
    "LoginEvent",
    "OtpChallenge",
    "OtpPurpose",
    "RealnameMethod",
    "SmsMessage",
    "User",
]
