"""Chinese commercial cryptography (国密) for Tongban: SM2, SM3, SM4 and key management.

Import the submodules you need; this package does not import them eagerly (the key models
import ``envelope`` while Django loads models)::

    from tongban.core.crypto import sm3, sm2, sm4, envelope, keys

- ``sm3``: SM3 digest and HMAC-SM3 (``cryptography``).
- ``sm4``: SM4 block cipher helpers: GCM (AEAD) and the raw ECB block used by the test vector.
- ``sm2``: SM2 keys, signatures (DER ``SEQUENCE{r, s}``, signer ID, Z cached per key),
  public-key encryption (C1C3C2), PEM/DER import and export compatible with OpenSSL 3.
- ``envelope``: SM4-GCM encryption of secrets at rest under the master key
  (``TONGBAN_MASTER_KEY``), with a key id in every token so master keys can rotate.
- ``keys``: the platform SM2 signing key (stored encrypted in ``ManagedKey``) and rotation.

Error codes are listed in ``tongban.core.crypto.errors``.
"""
