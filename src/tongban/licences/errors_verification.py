"""Stable error codes of licence verification, the trust list and revocation.

Clients rely on these strings (API ``{"code", "message", "field"}``); never rename one.
Result reasons (``VerificationResult.reason``) use the same vocabulary where they overlap.
"""


class VerificationError:
    # Identifier / lookup
    INVALID_IDENTIFIER = "invalid_identifier"  # check char or format; ``detail`` has the code
    LICENCE_NOT_FOUND = "licence_not_found"
    # Offline payload
    INVALID_PAYLOAD = "invalid_payload"  # not base64url / wrong structure
    # Signature outcomes (also VerificationResult.reason)
    SIGNATURE_INVALID = "signature_invalid"  # data or signature tampered
    UNKNOWN_ISSUER = "unknown_issuer"  # key neither a seal key of ours nor on the trust list
    ISSUER_MISMATCH = "issuer_mismatch"  # key belongs to another issuer than the identifier's
    SEAL_REVOKED = "seal_revoked"  # the seal was revoked (compromise): its licences are void
    SEAL_NOT_VALID_AT_SIGNING = "seal_not_valid_at_signing"
    DATA_MISMATCH = "data_mismatch"  # signed data do not describe this licence record


class TrustError:
    INVALID_PUBLIC_KEY = "invalid_public_key"
    INVALID_ISSUER_CODE = "invalid_issuer_code"
    NAME_REQUIRED = "name_required"
    ALREADY_TRUSTED = "already_trusted"
    OWN_KEY = "own_key"  # one of this platform's own seal keys
    NOT_FOUND = "trusted_issuer_not_found"
    PERMISSION_DENIED = "permission_denied"


class RevocationError:
    ILLEGAL_TRANSITION = "illegal_status_transition"
    REASON_REQUIRED = "reason_required"
    PERMISSION_DENIED = "permission_denied"
