"""Core API: public code validation for integrators (``/api/v1/core/``)."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.core.codes import KINDS, validate
from tongban.core.codes import errors as code_errors
from tongban.core.exceptions import DomainError
from tongban.core.schemas import ErrorOut

router = Router(tags=["core"])


class CodeValidationIn(Schema):
    kind: str = Field(..., description="代码类型 / kind", json_schema_extra={"enum": list(KINDS)})
    value: str = Field("", description="待校验的代码 / the code to check")
    allow_legacy: bool = Field(False, description="citizen-id：是否接受 15 位旧号码并升级为 18 位")


class CodeValidationOut(Schema):
    valid: bool
    code: str | None = Field(
        None, description="错误代码，有效时为 null / error code, null when valid"
    )
    message: str
    parsed: dict[str, Any]
    normalized: str | None = Field(None, description="规范化后的代码 / normalised value")
    warnings: list[str]


def _error_table() -> str:
    lines = ["| kind | error codes |", "|---|---|"]
    for kind, codes in code_errors.KIND_ERRORS.items():
        lines.append(f"| `{kind}` | {', '.join(f'`{code}`' for code in codes)} |")
    lines += ["", "| code | 含义 |", "|---|---|"]
    lines += [f"| `{code}` | {text} |" for code, text in code_errors.DESCRIPTIONS.items()]
    return "\n".join(lines)


VALIDATE_DESCRIPTION = (
    "校验公民身份号码、统一社会信用代码、行政区划代码、电子证照标识和手机号码，无需登录。"
    "代码无效时仍返回 200，`valid` 为 false，`code` 为下列稳定的错误代码之一；"
    "`kind` 不受支持时返回 400（`code` = `unknown_kind`）。\n\n"
    "Validates Chinese identifiers; public, no authentication. Invalid values return 200 with "
    "`valid: false` and a stable `code`. Prefer the POST form for citizen ID numbers so they do "
    "not end up in access logs.\n\n" + _error_table()
)


def _validate(kind: str, value: str, allow_legacy: bool) -> dict:
    if kind not in KINDS:
        raise DomainError(
            code_errors.UNKNOWN_KIND,
            _("不支持的代码类型“%(kind)s”，可选：%(kinds)s")
            % {"kind": kind, "kinds": "、".join(KINDS)},
            "kind",
        )
    return validate(kind, value, allow_legacy=allow_legacy).as_dict()


@router.get(
    "/codes/validate",
    response={200: CodeValidationOut, 400: ErrorOut},
    operation_id="core_validate_code",
    summary="校验代码 / Validate a code",
    description=VALIDATE_DESCRIPTION,
    auth=None,
)
def validate_code(request, params: Query[CodeValidationIn]):
    return _validate(params.kind, params.value, params.allow_legacy)


@router.post(
    "/codes/validate",
    response={200: CodeValidationOut, 400: ErrorOut},
    operation_id="core_validate_code_post",
    summary="校验代码（请求体）/ Validate a code (JSON body)",
    description="与 GET 相同，参数放在 JSON 请求体中，避免身份证号码出现在访问日志里。"
    " Same as GET with a JSON body, keeping ID numbers out of URLs and access logs.",
    auth=None,
)
def validate_code_post(request, payload: CodeValidationIn):
    return _validate(payload.kind, payload.value, payload.allow_legacy)
