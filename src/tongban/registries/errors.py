"""Stable error and match-reason codes of the registries (clients rely on them)."""

# API / service errors
PERSON_NOT_FOUND = "person_not_found"
ENTITY_NOT_FOUND = "entity_not_found"

# match_person() reasons (real-name L2 checks)
NOT_FOUND = "not_found"
NAME_MISMATCH = "name_mismatch"
PHONE_MISMATCH = "phone_mismatch"
DECEASED = "deceased"
CANCELLED = "cancelled"

MATCH_REASONS = (NOT_FOUND, NAME_MISMATCH, DECEASED, CANCELLED, PHONE_MISMATCH)
