"""Check-character algorithms used by the identifier validators and generators.

All functions take the payload *without* its check character and return the check
character as a one-character string.
"""

# GB 11643-1999 / ISO 7064 MOD 11-2: weights 2^(18-i) mod 11.
CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK_CHARS = "10X98765432"

# GB 32100-2015: 31-character alphabet (no I, O, S, V, Z), weights 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997 organisation code: body digits 0-9 and letters A=10 … Z=35.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def citizen_id_check_char(body17: str) -> str:
    """MOD 11-2 check character for the first 17 digits of a citizen ID number."""
    total = sum(int(char) * weight for char, weight in zip(body17, CITIZEN_ID_WEIGHTS, strict=True))
    return CITIZEN_ID_CHECK_CHARS[total % 11]


def uscc_check_char(body17: str) -> str:
    """GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(body17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character (0-9 or X) for the 8-character organisation code body."""
    total = sum(
        ALPHANUMERIC.index(char) * weight
        for char, weight in zip(body8, ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    if value == 10:
        return "X"
    if value == 11:
        return "0"
    return str(value)


def iso7064_mod37_36(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid system, alphabet 0-9 A-Z, one check character)."""
    modulus = 36
    product = modulus
    for char in payload:
        total = (product % (modulus + 1) + ALPHANUMERIC.index(char)) % modulus
        product = (total or modulus) * 2
    return ALPHANUMERIC[(1 - product % (modulus + 1)) % modulus]


def iso7064_mod37_2(payload: str) -> str:
    """ISO/IEC 7064 MOD 37-2 (pure system, alphabet 0-9 A-Z plus ``*``)."""
    alphabet = ALPHANUMERIC + "*"
    total = 0
    for char in payload:
        total = ((total + alphabet.index(char)) * 2) % 37
    return alphabet[(38 - total) % 37]
