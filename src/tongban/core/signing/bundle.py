"""Export a signed document so that OpenSSL alone verifies it.

``openssl_bundle(data, signature_der, public_key)`` returns the files::

    tbs.der          the DER of TBS_Sign exactly as signed (contains SM3(data) as dataHash)
    signature.der    the SM2 signature over tbs.der (DER SEQUENCE{r, s})
    seal-public.pem  the seal's public key (SubjectPublicKeyInfo PEM)
    data.json        the signed data (canonical JSON for licences and receipts)
    README.txt       the recipe (Chinese), with the expected dataHash

and the two checks::

    openssl dgst -sm3 -verify seal-public.pem -sigopt distid:1234567812345678 \\
        -signature signature.der tbs.der
    openssl asn1parse -inform DER -in tbs.der | grep "d=1"   # dataHash: the OCTET STRING
    openssl dgst -sm3 data.json                               # must print the same hex
"""

from __future__ import annotations

from tongban.core.crypto import sm2
from tongban.core.signing.ses import parse_seal_certificate, parse_signature

DISTID = sm2.DEFAULT_SIGNER_ID.decode("ascii")

VERIFY_COMMAND = (
    f"openssl dgst -sm3 -verify seal-public.pem -sigopt distid:{DISTID} "
    "-signature signature.der tbs.der"
)
ASN1PARSE_COMMAND = "openssl asn1parse -inform DER -in tbs.der"
DIGEST_COMMAND = "openssl dgst -sm3 data.json"

_README = """通办电子签名核验包（OpenSSL 即可核验）
==========================================

文件
  data.json        被签名的数据（规范化 JSON：键排序、UTF-8、无多余空白）
  tbs.der          签名原文 TBS_Sign（DER），其中 dataHash = SM3(data.json)
  signature.der    SM2 签名值（DER 编码的 r、s），签名者 ID 为 {distid}
  seal-public.pem  电子印章公钥（SM2，PEM）
  印章：{seal_name}（印章编码 {esid}）
  公钥指纹（SM3）：{fingerprint}
  签名时间（UTC）：{signed_at}

第一步：用印章公钥核验签名（需 OpenSSL 3）

  {verify}

  输出 "Verified OK" 即签名有效；"Verification failure" 表示签名原文或签名值被改动。

第二步：核对数据摘要

  {asn1parse} | grep "d=1"

  其中 OCTET STRING 一行的 [HEX DUMP] 为签名时数据的 SM3 摘要（dataHash），应为：
  {data_hash}

  {digest}

  输出的摘要应与上面的 dataHash 相同（忽略大小写）；不同即表示 data.json 已被改动。

两步都通过，说明 data.json 正是该电子印章签名的数据。
印章证书（平台根密钥签发）包含在 tbs.der 的 eseal 字段中，可在通办平台核验页面查验。

Verification bundle: (1) `{verify}` must print "Verified OK";
(2) the OCTET STRING (dataHash) at depth 1 of `{asn1parse}` must equal `{digest}`.
"""


def openssl_bundle(
    data: bytes, signature_der: bytes, public_key: sm2.PublicKey | None = None
) -> dict[str, bytes]:
    """The files that let OpenSSL alone verify ``signature_der`` over ``data``.

    ``public_key`` defaults to the seal key embedded in the signature. ``ValueError`` when the
    signature does not parse.
    """
    parsed = parse_signature(signature_der)
    info = parse_seal_certificate(parsed.seal_certificate_der)
    key = public_key or info.public_key
    readme = _README.format(
        distid=DISTID,
        seal_name=info.name,
        esid=info.esid,
        fingerprint=key.fingerprint(),
        signed_at=parsed.signed_at.strftime("%Y-%m-%d %H:%M:%S"),
        verify=VERIFY_COMMAND,
        asn1parse=ASN1PARSE_COMMAND,
        digest=DIGEST_COMMAND,
        data_hash=parsed.data_hash.hex().upper(),
    )
    return {
        "tbs.der": parsed.tbs,
        "signature.der": parsed.signature,
        "seal-public.pem": key.to_pem(),
        "data.json": bytes(data),
        "README.txt": readme.encode("utf-8"),
    }
