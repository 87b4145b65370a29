"""Client secrets: high-entropy random strings stored as salted SHA-256.

Client secrets are 256-bit random values, not passwords people choose, so a slow password
hash (Argon2, PBKDF2) adds no protection but costs ~100 ms of CPU on every token request.
We store ``tongban-sha256$<salt>$<hex digest>`` in ``Application.client_secret`` with
``hash_client_secret=False`` (so django-oauth-toolkit keeps our value as is) and the
validator checks it in constant time. Secrets hashed by Django's hashers still verify.
"""

import hashlib
import hmac
import secrets

PREFIX = "tongban-sha256$"


def generate_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_client_secret(secret: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}${secret}".encode()).hexdigest()
    return f"{PREFIX}{salt}${digest}"


def is_our_hash(stored: str) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def check_client_secret(provided: str, stored: str) -> bool:
    if not provided or not is_our_hash(stored):
        return False
    salt, _, _digest = stored[len(PREFIX) :].partition("$")
    return hmac.compare_digest(hash_client_secret(provided, salt), stored)
