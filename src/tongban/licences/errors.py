"""Stable error codes of the licences app (clients rely on them; documented in the API).

One section per area. Areas may also keep their codes in ``errors_<area>.py``; the codes
are unique across the app.
"""


class SealError:
    """Electronic seals (电子印章): ``tongban.licences.services.seals``."""

    NO_ACTIVE_SEAL = "no_active_seal"  # the department has no active seal with a key
    SEAL_NOT_ACTIVE = "seal_not_active"  # suspended or revoked: it cannot sign
    SEAL_EXPIRED = "seal_expired"  # outside its validity period
    SEAL_REVOKED = "seal_revoked"  # revoked seals cannot change any more
    ILLEGAL_TRANSITION = "illegal_seal_transition"  # e.g. reactivating an active seal
    REASON_REQUIRED = "reason_required"  # suspend/revoke need a reason
    REASON_TOO_LONG = "reason_too_long"  # at most 200 characters
    INVALID_VALIDITY = "invalid_validity"  # valid_to before valid_from, or in the past
    INVALID_NAME = "invalid_seal_name"
    NOT_A_DEPARTMENT = "not_a_department"  # seals belong to department org units
    KEY_MISMATCH = "seal_key_mismatch"  # the stored private key is not the registered key
    PERMISSION_DENIED = "permission_denied"


ALL_SEAL_CODES = sorted(
    value for name, value in vars(SealError).items() if name.isupper() and isinstance(value, str)
)
