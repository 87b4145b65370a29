"""Just enough strict DER to read and write SM2 keys (PKCS#8, SEC1, SubjectPublicKeyInfo).

Internal to ``tongban.core.crypto``. Decoding rejects indefinite lengths, non-minimal
lengths and trailing bytes; anything malformed raises ``ValueError``.
"""

SEQUENCE = 0x30
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06


def _encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _encode_length(len(value)) + value


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def integer(value: int) -> bytes:
    if value < 0:
        raise ValueError("negative integers are not used here")
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # leading 0x00 keeps it positive
    return tlv(INTEGER, body)


def octet_string(value: bytes) -> bytes:
    return tlv(OCTET_STRING, value)


def bit_string(value: bytes) -> bytes:
    return tlv(BIT_STRING, b"\x00" + value)


def explicit(number: int, value: bytes) -> bytes:
    """Context-specific constructed tag ``[number] EXPLICIT``."""
    return tlv(0xA0 | number, value)


def oid(dotted: str) -> bytes:
    arcs = [int(part) for part in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(OID, bytes(body))


def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Read one TLV at ``offset``; return (tag, value, offset after it)."""
    if offset + 2 > len(data):
        raise ValueError("truncated DER")
    tag = data[offset]
    first = data[offset + 1]
    offset += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[offset : offset + count], "big")
        if length < 0x80 or data[offset] == 0:
            raise ValueError("non-minimal DER length")
        offset += count
    end = offset + length
    if end > len(data):
        raise ValueError("truncated DER")
    return tag, data[offset:end], end


def read_all(data: bytes, expected_tag: int) -> bytes:
    """Decode ``data`` as exactly one TLV with ``expected_tag``; return its value."""
    tag, value, end = read_tlv(data)
    if tag != expected_tag or end != len(data):
        raise ValueError("unexpected DER structure")
    return value


def children(value: bytes) -> list[tuple[int, bytes]]:
    """Split the contents of a constructed value into (tag, value) pairs."""
    items = []
    offset = 0
    while offset < len(value):
        tag, item, offset = read_tlv(value, offset)
        items.append((tag, item))
    return items


def decode_integer(value: bytes) -> int:
    if not value or (value[0] & 0x80):
        raise ValueError("bad or negative INTEGER")
    if len(value) > 1 and value[0] == 0 and not (value[1] & 0x80):
        raise ValueError("non-minimal INTEGER")
    return int.from_bytes(value, "big")


def decode_oid(value: bytes) -> str:
    if not value:
        raise ValueError("empty OID")
    arcs = [value[0] // 40, value[0] % 40] if value[0] < 80 else [2, value[0] - 80]
    arc = 0
    for byte in value[1:]:
        arc = (arc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(arc)
            arc = 0
    if value[-1] & 0x80:
        raise ValueError("truncated OID")
    return ".".join(str(a) for a in arcs)


def decode_bit_string(value: bytes) -> bytes:
    if not value or value[0] != 0:
        raise ValueError("BIT STRING with unused bits")
    return value[1:]
