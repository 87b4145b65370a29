from enum import StrEnum

from tongban.core.exceptions import DomainError, ErrorCatalogue, NotFound, PermissionDenied


class SampleError(StrEnum):
    MISSING = "sample_missing"
    FORBIDDEN = "sample_forbidden"
    CONFLICT = "sample_conflict"
    INVALID = "sample_invalid"


error = ErrorCatalogue(
    {
        SampleError.MISSING: "未找到",
        SampleError.FORBIDDEN: "无权操作",
        SampleError.CONFLICT: "已存在",
        SampleError.INVALID: "格式不正确",
    },
    {SampleError.MISSING: 404, SampleError.FORBIDDEN: 403, SampleError.CONFLICT: 409},
)


def test_status_selects_the_exception_class():
    assert type(error(SampleError.MISSING)) is NotFound
    assert type(error(SampleError.FORBIDDEN)) is PermissionDenied
    conflict = error(SampleError.CONFLICT)
    assert type(conflict) is DomainError
    assert conflict.status == 409
    assert error(SampleError.INVALID).status == 400


def test_code_message_and_field():
    exc = error(SampleError.INVALID, field="name")
    assert exc.as_dict() == {"code": "sample_invalid", "message": "格式不正确", "field": "name"}


def test_message_overrides_the_catalogue_text():
    exc = error(SampleError.MISSING, message="未找到：详情")
    assert exc.message == "未找到：详情"
    assert exc.status == 404
