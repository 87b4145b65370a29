"""The result every validator returns."""

import unicodedata
from dataclasses import dataclass, field


@dataclass
class CodeResult:
    valid: bool
    code: str | None  # error code from tongban.core.codes.errors, None when valid
    message: str  # user-facing, Chinese
    parsed: dict = field(default_factory=dict)
    normalized: str | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def ok(
        cls, normalized: str, message, parsed: dict, warnings: list | None = None
    ) -> "CodeResult":
        return cls(True, None, str(message), parsed, normalized, [str(w) for w in warnings or []])

    @classmethod
    def fail(cls, code: str, message) -> "CodeResult":
        return cls(False, code, str(message), {}, None, [])

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "code": self.code,
            "message": self.message,
            "parsed": self.parsed,
            "normalized": self.normalized,
            "warnings": self.warnings,
        }


def clean(value, *, remove: str = "") -> str:
    """Full-width to half-width (NFKC), drop whitespace and the given separators, upper-case."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(char for char in text if not char.isspace() and char not in remove).upper()
