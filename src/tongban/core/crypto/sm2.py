"""SM2 (GB/T 32918-2016): keys, signatures and public-key encryption.

Signatures follow GB/T 32918.2 / GM/T 0009: ``Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA)``,
``e = SM3(Z‖M)``, signature = DER ``SEQUENCE{r, s}``. The default signer ID is
``1234567812345678``; pass ``signer_id=`` to use another one (OpenSSL needs the same ID:
``openssl dgst -sm3 -verify pub.pem -sigopt distid:<ID> -signature sig.der msg``).

Z depends only on the public key and the signer ID, so it is computed once per
(key, signer ID) and cached on the key object; signing and verifying then hash
``Z‖M`` and call GmSSL's digest-level primitives (much faster than recomputing Z).

Keys are exchanged in the formats OpenSSL 3 reads and writes:

- private: PKCS#8 ``PRIVATE KEY`` (``id-ecPublicKey`` + SM2 curve OID ``1.2.156.10197.1.301``);
  SEC1 ``EC PRIVATE KEY`` is also accepted on import;
- public: SubjectPublicKeyInfo ``PUBLIC KEY`` with the same algorithm identifier.

Public-key encryption (``encrypt``/``decrypt``) uses the GB/T 32918.4-2016 ciphertext
order **C1C3C2**, DER-encoded as ``SEQUENCE{x, y, hash C3, ciphertext C2}`` (GM/T 0009),
the format OpenSSL 3 ``pkeyutl -encrypt`` produces for SM2 keys. Never C1C2C3.
"""

from __future__ import annotations

import base64
import re
import secrets

import gmssl_pyx
from django.utils.translation import gettext as _

from tongban.core.crypto import asn1, sm3
from tongban.core.crypto.errors import CryptoError
from tongban.core.exceptions import DomainError

DEFAULT_SIGNER_ID = b"1234567812345678"

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"
OID_SM2_SIGN_WITH_SM3 = "1.2.156.10197.1.501"

# Curve parameters (GB/T 32918.5-2017).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

_CURVE_BYTES = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))
_MAX_PLAINTEXT = 255  # GmSSL's SM2 encryption limit


def _invalid_key(message: str) -> DomainError:
    return DomainError(CryptoError.INVALID_KEY, message)


# --- Minimal curve arithmetic (Jacobian coordinates) --------------------------------------
# Used only to derive a public key from an imported private key and to check that an
# imported key pair matches; signing and verifying run in GmSSL.


def _jacobian_double(point):
    x, y, z = point
    if y == 0:
        return (0, 0, 0)
    ysq = y * y % P
    s = 4 * x * ysq % P
    z2 = z * z % P
    m = (3 * x * x + A * z2 * z2) % P
    nx = (m * m - 2 * s) % P
    ny = (m * (s - nx) - 8 * ysq * ysq) % P
    nz = 2 * y * z % P
    return (nx, ny, nz)


def _jacobian_add(p1, p2):
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1sq, z2sq = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2sq % P, x2 * z1sq % P
    s1, s2 = y1 * z2sq * z2 % P, y2 * z1sq * z1 % P
    if u1 == u2:
        return _jacobian_double(p1) if s1 == s2 else (0, 0, 0)
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    h2 = h * h % P
    h3 = h * h2 % P
    u1h2 = u1 * h2 % P
    nx = (r * r - h3 - 2 * u1h2) % P
    ny = (r * (u1h2 - nx) - s1 * h3) % P
    nz = h * z1 * z2 % P
    return (nx, ny, nz)


def _scalar_base_mult(k: int) -> tuple[int, int]:
    result = (0, 0, 0)
    addend = (GX, GY, 1)
    while k:
        if k & 1:
            result = _jacobian_add(result, addend)
        addend = _jacobian_double(addend)
        k >>= 1
    x, y, z = result
    if z == 0:
        raise _invalid_key(_("SM2 私钥无效。"))
    zinv = pow(z, -1, P)
    zinv2 = zinv * zinv % P
    return x * zinv2 % P, y * zinv2 * zinv % P


def _is_on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


# --- PEM ----------------------------------------------------------------------------------

_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)


def _pem_blocks(pem: bytes | str) -> list[tuple[str, bytes]]:
    if isinstance(pem, str):
        pem = pem.encode("ascii", "replace")
    blocks = []
    for match in _PEM_RE.finditer(pem):
        label = match.group(1).decode()
        body = match.group(2)
        if b":" in body:  # legacy "Proc-Type: 4,ENCRYPTED" headers
            raise DomainError(
                CryptoError.ENCRYPTED_KEY_UNSUPPORTED,
                _("不支持带口令的密钥文件，请先用 openssl pkey 解密后再导入。"),
            )
        try:
            blocks.append((label, base64.b64decode(b"".join(body.split()), validate=True)))
        except ValueError as exc:
            raise _invalid_key(_("PEM 内容不是有效的 Base64。")) from exc
    return blocks


def _to_pem(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        f"-----BEGIN {label}-----\n".encode()
        + b"\n".join(lines)
        + f"\n-----END {label}-----\n".encode()
    )


def _algorithm_identifier() -> bytes:
    return asn1.sequence(asn1.oid(OID_EC_PUBLIC_KEY), asn1.oid(OID_SM2_CURVE))


def _check_algorithm(value: bytes) -> None:
    """Accept id-ecPublicKey with the SM2 curve (or the bare SM2 OID some tools write)."""
    parts = asn1.children(value)
    if not parts or parts[0][0] != asn1.OID:
        raise ValueError("bad AlgorithmIdentifier")
    algorithm = asn1.decode_oid(parts[0][1])
    if algorithm == OID_EC_PUBLIC_KEY:
        if (
            len(parts) != 2
            or parts[1][0] != asn1.OID
            or asn1.decode_oid(parts[1][1]) != OID_SM2_CURVE
        ):
            raise _invalid_key(_("不是 SM2 曲线的密钥。"))
    elif algorithm != OID_SM2_CURVE:
        raise _invalid_key(_("不是 SM2 密钥。"))


# --- Keys ---------------------------------------------------------------------------------


class PublicKey:
    """An SM2 public key (a point on the SM2 curve)."""

    __slots__ = ("_raw", "_z_cache", "_fingerprint")

    def __init__(self, raw: bytes):
        # Use the from_* constructors; they validate the point.
        self._raw = raw
        self._z_cache: dict[bytes, bytes] = {}
        self._fingerprint: str | None = None

    # Construction -----------------------------------------------------------------------
    @classmethod
    def from_raw(cls, data: bytes) -> PublicKey:
        """From 64 bytes ``x‖y`` or 65 bytes ``04‖x‖y`` (33-byte compressed also accepted)."""
        if not isinstance(data, bytes | bytearray) or len(data) not in (33, 64, 65):
            raise _invalid_key(_("SM2 公钥长度应为 64 或 65 字节。"))
        try:
            raw = gmssl_pyx.normalize_sm2_public_key(bytes(data))
        except gmssl_pyx.InvalidValueError as exc:
            raise _invalid_key(_("SM2 公钥不是曲线上的点。")) from exc
        x, y = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        if not _is_on_curve(x, y):
            raise _invalid_key(_("SM2 公钥不是曲线上的点。"))
        return cls(raw)

    @classmethod
    def from_der(cls, der: bytes) -> PublicKey:
        """From DER SubjectPublicKeyInfo."""
        try:
            parts = asn1.children(asn1.read_all(der, asn1.SEQUENCE))
            if len(parts) != 2 or parts[0][0] != asn1.SEQUENCE or parts[1][0] != asn1.BIT_STRING:
                raise ValueError("bad SubjectPublicKeyInfo")
            _check_algorithm(parts[0][1])
            point = asn1.decode_bit_string(parts[1][1])
        except ValueError as exc:
            raise _invalid_key(_("SM2 公钥格式错误。")) from exc
        return cls.from_raw(point)

    @classmethod
    def from_pem(cls, pem: bytes | str) -> PublicKey:
        """From a PEM ``PUBLIC KEY`` block (SubjectPublicKeyInfo)."""
        for label, der in _pem_blocks(pem):
            if label == "PUBLIC KEY":
                return cls.from_der(der)
        raise _invalid_key(_("未找到 PEM 格式的公钥（PUBLIC KEY）。"))

    # Export -----------------------------------------------------------------------------
    @property
    def raw(self) -> bytes:
        """64 bytes ``x‖y``."""
        return self._raw

    def to_der(self) -> bytes:
        return asn1.sequence(_algorithm_identifier(), asn1.bit_string(b"\x04" + self._raw))

    def to_pem(self) -> bytes:
        return _to_pem("PUBLIC KEY", self.to_der())

    def fingerprint(self) -> str:
        """SM3 of the DER SubjectPublicKeyInfo, 64 hex characters."""
        if self._fingerprint is None:
            self._fingerprint = sm3.hexdigest(self.to_der())
        return self._fingerprint

    # Signatures -------------------------------------------------------------------------
    def z(self, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        """``Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA)``, cached per signer ID."""
        cached = self._z_cache.get(signer_id)
        if cached is None:
            if not isinstance(signer_id, bytes) or len(signer_id) >= 8192:
                raise ValueError("signer_id must be bytes shorter than 8192")
            entl = (len(signer_id) * 8).to_bytes(2, "big")
            cached = sm3.digest(entl + signer_id + _CURVE_BYTES + self._raw)
            self._z_cache[signer_id] = cached
        return cached

    def message_digest(self, message: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        """``e = SM3(Z‖M)``, the value that is actually signed."""
        return sm3.digest(self.z(signer_id) + message)

    def verify(
        self, message: bytes, signature: bytes, *, signer_id: bytes = DEFAULT_SIGNER_ID
    ) -> bool:
        """True when ``signature`` (DER) is valid for ``message`` under this key and signer ID."""
        return self.verify_digest(self.message_digest(message, signer_id), signature)

    def verify_digest(self, e: bytes, signature: bytes) -> bool:
        """Verify a signature over a precomputed ``e = SM3(Z‖M)``."""
        if not isinstance(signature, bytes | bytearray) or not 8 <= len(signature) <= 72:
            return False
        try:
            return bool(gmssl_pyx.sm2_verify_sm3_digest(self._raw, e, bytes(signature)))
        except gmssl_pyx.GmsslInnerError:
            return False

    def __eq__(self, other) -> bool:
        return isinstance(other, PublicKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"<sm2.PublicKey {self.fingerprint()[:16]}>"


class PrivateKey:
    """An SM2 private key with its public key."""

    __slots__ = ("_secret", "public_key")

    def __init__(self, secret: bytes, public_key: PublicKey):
        # Use generate() or the from_* constructors; they validate the pair.
        self._secret = secret
        self.public_key = public_key

    @classmethod
    def generate(cls) -> PrivateKey:
        public, private = gmssl_pyx.sm2_key_generate()
        return cls(private, PublicKey(public))

    @classmethod
    def from_scalar(cls, d: int, public_point: bytes | None = None) -> PrivateKey:
        if not 1 <= d <= N - 2:
            raise _invalid_key(_("SM2 私钥超出取值范围。"))
        x, y = _scalar_base_mult(d)
        derived = x.to_bytes(32, "big") + y.to_bytes(32, "big")
        if public_point is not None:
            given = PublicKey.from_raw(public_point).raw
            if given != derived:
                raise _invalid_key(_("SM2 私钥与其中的公钥不匹配。"))
        return cls(d.to_bytes(32, "big"), PublicKey(derived))

    @classmethod
    def _from_ec_private_key(cls, der: bytes, *, inner: bool) -> PrivateKey:
        """Parse SEC1 ``ECPrivateKey`` (RFC 5915)."""
        parts = asn1.children(asn1.read_all(der, asn1.SEQUENCE))
        if len(parts) < 2 or parts[0][0] != asn1.INTEGER or asn1.decode_integer(parts[0][1]) != 1:
            raise ValueError("bad ECPrivateKey")
        if parts[1][0] != asn1.OCTET_STRING or len(parts[1][1]) > 32:
            raise ValueError("bad ECPrivateKey secret")
        d = int.from_bytes(parts[1][1], "big")
        public_point = None
        for tag, value in parts[2:]:
            if tag == 0xA0:  # [0] parameters
                if asn1.decode_oid(asn1.read_all(value, asn1.OID)) != OID_SM2_CURVE:
                    raise _invalid_key(_("不是 SM2 曲线的密钥。"))
            elif tag == 0xA1:  # [1] public key
                public_point = asn1.decode_bit_string(asn1.read_all(value, asn1.BIT_STRING))
        if not inner and not any(tag == 0xA0 for tag, _v in parts[2:]):
            raise _invalid_key(_("SEC1 私钥缺少曲线参数，无法确认是 SM2 密钥。"))
        return cls.from_scalar(d, public_point)

    @classmethod
    def from_der(cls, der: bytes) -> PrivateKey:
        """From DER PKCS#8 ``PrivateKeyInfo`` or SEC1 ``ECPrivateKey``."""
        try:
            parts = asn1.children(asn1.read_all(der, asn1.SEQUENCE))
            if len(parts) >= 3 and parts[1][0] == asn1.SEQUENCE:  # PKCS#8
                if (
                    asn1.decode_integer(parts[0][1]) not in (0, 1)
                    or parts[2][0] != asn1.OCTET_STRING
                ):
                    raise ValueError("bad PrivateKeyInfo")
                _check_algorithm(parts[1][1])
                return cls._from_ec_private_key(parts[2][1], inner=True)
            return cls._from_ec_private_key(der, inner=False)
        except ValueError as exc:
            raise _invalid_key(_("SM2 私钥格式错误。")) from exc

    @classmethod
    def from_pem(cls, pem: bytes | str) -> PrivateKey:
        """From PEM ``PRIVATE KEY`` (PKCS#8) or ``EC PRIVATE KEY`` (SEC1)."""
        for label, der in _pem_blocks(pem):
            if label in ("PRIVATE KEY", "EC PRIVATE KEY"):
                return cls.from_der(der)
            if label == "ENCRYPTED PRIVATE KEY":
                raise DomainError(
                    CryptoError.ENCRYPTED_KEY_UNSUPPORTED,
                    _("不支持带口令的密钥文件，请先用 openssl pkey 解密后再导入。"),
                )
        raise _invalid_key(_("未找到 PEM 格式的私钥（PRIVATE KEY）。"))

    def _ec_private_key_der(self) -> bytes:
        return asn1.sequence(
            asn1.integer(1),
            asn1.octet_string(self._secret),
            asn1.explicit(1, asn1.bit_string(b"\x04" + self.public_key.raw)),
        )

    def to_der(self) -> bytes:
        """DER PKCS#8 ``PrivateKeyInfo`` (the layout ``openssl genpkey`` writes)."""
        return asn1.sequence(
            asn1.integer(0), _algorithm_identifier(), asn1.octet_string(self._ec_private_key_der())
        )

    def to_pem(self) -> bytes:
        """PEM PKCS#8 ``PRIVATE KEY``; readable by ``openssl pkey``."""
        return _to_pem("PRIVATE KEY", self.to_der())

    def sign(self, message: bytes, *, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        """Sign ``message``; returns DER ``SEQUENCE{r, s}``."""
        return self.sign_digest(self.public_key.message_digest(message, signer_id))

    def sign_digest(self, e: bytes) -> bytes:
        """Sign a precomputed ``e = SM3(Z‖M)`` (32 bytes); returns DER ``SEQUENCE{r, s}``."""
        if len(e) != sm3.DIGEST_SIZE:
            raise ValueError("e must be a 32-byte SM3 digest")
        return gmssl_pyx.sm2_sign_sm3_digest(self._secret, e)

    def __repr__(self) -> str:
        return f"<sm2.PrivateKey for {self.public_key.fingerprint()[:16]}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrivateKey) and secrets.compare_digest(other._secret, self._secret)

    def __hash__(self) -> int:
        return hash(self.public_key)


# --- Public-key encryption ----------------------------------------------------------------


def encrypt(public_key: PublicKey, plaintext: bytes) -> bytes:
    """SM2-encrypt ``plaintext`` (1–255 bytes) to DER ``SEQUENCE{x, y, C3, C2}`` (C1C3C2).

    For anything longer, encrypt an SM4 key with SM2 and the data with SM4-GCM.
    """
    if not 1 <= len(plaintext) <= _MAX_PLAINTEXT:
        raise DomainError(
            CryptoError.PLAINTEXT_TOO_LONG, _("SM2 加密的明文长度须为 1 至 255 字节。")
        )
    return gmssl_pyx.sm2_encrypt(public_key.raw, plaintext)


def decrypt(private_key: PrivateKey, ciphertext: bytes) -> bytes:
    """Decrypt a DER C1C3C2 SM2 ciphertext; ``DomainError("decrypt_failed")`` on failure."""
    try:
        return gmssl_pyx.sm2_decrypt(private_key._secret, ciphertext)
    except (gmssl_pyx.GmsslInnerError, ValueError, TypeError) as exc:
        raise DomainError(
            CryptoError.DECRYPT_FAILED, _("解密失败：密钥不匹配或密文已损坏。")
        ) from exc
