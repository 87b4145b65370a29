"""Stable error codes for citizen accounts: registration, real-name checks, login, OTP.

Clients rely on these codes (API JSON ``{"code", "message", "field"}``). Validation codes
raised by ``tongban.core.codes`` (``invalid_checksum``, ``invalid_length``...) pass through
unchanged with ``field`` set.
"""

from enum import StrEnum


class AccountError(StrEnum):
    ALREADY_REGISTERED = "already_registered"
    INVALID_NAME = "invalid_name"
    WEAK_PASSWORD = "weak_password"
    WRONG_PASSWORD = "wrong_password"
    NOT_NATURAL_PERSON = "not_natural_person"
    ALREADY_VERIFIED = "already_verified"
    REALNAME_NOT_FOUND = "realname_not_found"
    REALNAME_NAME_MISMATCH = "realname_name_mismatch"
    REALNAME_PHONE_MISMATCH = "realname_phone_mismatch"
    REALNAME_DECEASED = "realname_deceased"
    REALNAME_CANCELLED = "realname_cancelled"
    REALNAME_UNAVAILABLE = "realname_unavailable"
    REALNAME_L2_REQUIRED = "realname_l2_required"
    NOT_WINDOW_CLERK = "not_window_clerk"
    FACECHECK_FAILED = "facecheck_failed"
    FACECHECK_UNAVAILABLE = "facecheck_unavailable"


class AuthError(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_INACTIVE = "account_inactive"
    RATE_LIMITED = "rate_limited"
    LOGIN_EXPIRED = "login_expired"


class OtpError(StrEnum):
    OTP_INVALID = "otp_invalid"
    OTP_EXPIRED = "otp_expired"
    OTP_ATTEMPTS_EXCEEDED = "otp_attempts_exceeded"
    OTP_NOT_SENT = "otp_not_sent"
    OTP_COOLDOWN = "otp_cooldown"
    OTP_RATE_LIMITED = "otp_rate_limited"
    SMS_UNAVAILABLE = "sms_unavailable"
