"""GB/T 2260 division codes (6 digits), current or historical, any province."""

from django.utils.translation import gettext as _

from tongban.core.codes import divisions, errors
from tongban.core.codes.result import CodeResult, clean


def validate_division(value) -> CodeResult:
    code = clean(value)
    if not code:
        return CodeResult.fail(errors.EMPTY, _("请填写行政区划代码"))
    if not code.isdigit():
        return CodeResult.fail(errors.INVALID_CHAR, _("行政区划代码只能包含数字"))
    if len(code) != 6:
        return CodeResult.fail(errors.INVALID_LENGTH, _("行政区划代码应为 6 位数字"))
    division = divisions.get(code)
    if division is None:
        return CodeResult.fail(errors.UNKNOWN_DIVISION, _("行政区划代码不存在"))
    warnings = [] if division.current else [_("该行政区划代码已撤销（历史代码）")]
    parsed = {
        "name": division.name,
        "full_name": division.full_name,
        "level": division.level,
        "parent_code": division.parent_code,
        "current": division.current,
        "history": division.history,
    }
    return CodeResult.ok(code, _("行政区划代码有效"), parsed, warnings)
