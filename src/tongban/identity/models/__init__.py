from tongban.identity.models.companies import AgentAuthorisation, AgentScope, CompanyAccount
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
    "AgentAuthorisation",
    "AgentScope",
    "ClientPolicy",
    "CompanyAccount",
    "KnownDevice",
    "LoginEvent",
    "OidcConsent",
    "OtpChallenge",
    "OtpPurpose",
    "RealnameMethod",
    "SmsMessage",
    "User",
]
