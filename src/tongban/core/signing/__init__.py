"""The signing core shared by licences and payment receipts: canonical JSON, electronic
seal certificates and document signatures (GB/T 38540-style DER), OpenSSL export.

    from tongban.core import signing

    cert = signing.build_seal_certificate(esid=..., name=..., org_unit_name=...,
                                          public_key=seal_key.public_key, valid_from=...,
                                          valid_to=..., picture=svg_bytes,
                                          platform_key=keys.platform_signing_key())
    der = signing.sign_document(signing.canonical_json(doc), key=seal_key,
                                seal_certificate_der=cert, property_info=identifier)
    check = signing.verify_document(data, der)      # SignatureCheck(ok, reason, ...)
    files = signing.openssl_bundle(data, der, check.public_key)

Structures and reason codes: :mod:`tongban.core.signing.ses`.
"""

from tongban.core.signing.bundle import openssl_bundle
from tongban.core.signing.canonical import canonical_json
from tongban.core.signing.ses import (
    OID_SM2_WITH_SM3,
    ParsedSignature,
    Reason,
    SealCertificateInfo,
    SignatureCheck,
    SigningError,
    build_seal_certificate,
    check_seal_certificate,
    parse_seal_certificate,
    parse_signature,
    sign_document,
    verify_document,
    verify_seal_certificate,
)

__all__ = [
    "OID_SM2_WITH_SM3",
    "ParsedSignature",
    "Reason",
    "SealCertificateInfo",
    "SignatureCheck",
    "SigningError",
    "build_seal_certificate",
    "canonical_json",
    "check_seal_certificate",
    "openssl_bundle",
    "parse_seal_certificate",
    "parse_signature",
    "sign_document",
    "verify_document",
    "verify_seal_certificate",
]
