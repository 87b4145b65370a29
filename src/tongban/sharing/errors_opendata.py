"""Stable error codes of uploaded datasets and the open data portal.

Clients rely on these codes (API JSON ``{"code", "message", "field"}``; the CKAN-compatible
API maps them to CKAN error types). Messages are Chinese and shown to users.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class OpenDataError(StrEnum):
    # imports
    NOT_DATASET_BACKED = "not_dataset_backed"
    NO_DATA_ITEMS = "no_data_items"
    FILE_REQUIRED = "file_required"
    FILE_TOO_LARGE = "file_too_large"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    UNREADABLE_FILE = "unreadable_file"
    EMPTY_FILE = "empty_file"
    DUPLICATE_COLUMNS = "duplicate_columns"
    UNKNOWN_COLUMNS = "unknown_columns"
    MISSING_COLUMNS = "missing_columns"
    ROWS_REJECTED = "rows_rejected"
    IMPORT_IN_PROGRESS = "import_in_progress"
    IMPORT_NOT_FOUND = "import_not_found"
    NOTE_TOO_LONG = "note_too_long"
    # versions and reads
    NO_CURRENT_VERSION = "no_current_version"
    VERSION_NOT_FOUND = "version_not_found"
    UNKNOWN_FILTER = "unknown_filter"
    INVALID_FILTER_VALUE = "invalid_filter_value"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_MANY_ROWS_FOR_XLSX = "too_many_rows_for_xlsx"
    # publishing
    RESOURCE_NOT_FOUND = "resource_not_found"
    RESOURCE_NOT_PUBLISHED = "resource_not_published"
    OPEN_TYPE_CLOSED = "open_type_closed"
    NEGATIVE_LISTED = "negative_listed"
    PERSONAL_ITEM = "personal_item_not_publishable"
    NO_PUBLIC_ITEMS = "no_public_items"
    ALREADY_PUBLISHED = "already_published"
    NOT_PUBLISHED = "dataset_not_published"
    DATASET_NOT_FOUND = "dataset_not_found"
    DATASET_NOT_OPEN = "dataset_not_open"
    LOGIN_REQUIRED = "login_required"
    ALREADY_NEGATIVE_LISTED = "already_negative_listed"
    NOT_NEGATIVE_LISTED = "not_negative_listed"
    REASON_REQUIRED = "reason_required"


MESSAGES = {
    OpenDataError.NOT_DATASET_BACKED: _("该资源不是以上传数据集方式提供的，不能导入文件"),
    OpenDataError.NO_DATA_ITEMS: _("该资源尚未登记信息项，请先在资源目录中登记信息项"),
    OpenDataError.FILE_REQUIRED: _("请选择要导入的 CSV 或 XLSX 文件"),
    OpenDataError.FILE_TOO_LARGE: _("文件过大，超过了允许的上限"),
    OpenDataError.UNSUPPORTED_FILE_TYPE: _("只支持 CSV（UTF-8 或 GB18030 编码）和 XLSX 文件"),
    OpenDataError.UNREADABLE_FILE: _("文件无法读取，请检查文件是否损坏"),
    OpenDataError.EMPTY_FILE: _("文件没有表头或没有数据行"),
    OpenDataError.DUPLICATE_COLUMNS: _("表头有重复的列"),
    OpenDataError.UNKNOWN_COLUMNS: _("表头中有资源未登记的列"),
    OpenDataError.MISSING_COLUMNS: _("表头缺少必填信息项的列"),
    OpenDataError.ROWS_REJECTED: _("有数据行未通过校验，本次导入未生效，当前版本保持不变"),
    OpenDataError.IMPORT_IN_PROGRESS: _("该资源已有一个导入任务在进行，请等待其完成"),
    OpenDataError.IMPORT_NOT_FOUND: _("未找到该导入任务，或您无权查看"),
    OpenDataError.NOTE_TOO_LONG: _("更新说明最多 200 个字"),
    OpenDataError.NO_CURRENT_VERSION: _("该资源还没有已生效的数据集版本"),
    OpenDataError.VERSION_NOT_FOUND: _("未找到该数据集版本"),
    OpenDataError.UNKNOWN_FILTER: _("筛选条件中有不存在或未开放的字段"),
    OpenDataError.INVALID_FILTER_VALUE: _("筛选条件的值与字段类型不符"),
    OpenDataError.UNSUPPORTED_FORMAT: _("只支持下载 CSV、JSON、XLSX 格式"),
    OpenDataError.TOO_MANY_ROWS_FOR_XLSX: _("该版本行数超过 XLSX 工作表的上限，请下载 CSV 或 JSON"),
    OpenDataError.RESOURCE_NOT_FOUND: _("未找到该资源，或您无权操作"),
    OpenDataError.RESOURCE_NOT_PUBLISHED: _("资源尚未在目录中发布或已停用，不能开放"),
    OpenDataError.OPEN_TYPE_CLOSED: _("该资源的开放类型为“不予开放”，不能开放"),
    OpenDataError.NEGATIVE_LISTED: _("该资源在不予开放清单中，不能开放"),
    OpenDataError.PERSONAL_ITEM: _(
        "该资源含有个人信息或敏感信息项，不能开放。请先在资源目录中去除这些信息项"
    ),
    OpenDataError.NO_PUBLIC_ITEMS: _("该资源没有可公开的信息项"),
    OpenDataError.ALREADY_PUBLISHED: _("该数据集已经开放"),
    OpenDataError.NOT_PUBLISHED: _("该数据集当前未开放"),
    OpenDataError.DATASET_NOT_FOUND: _("未找到该开放数据集"),
    OpenDataError.DATASET_NOT_OPEN: _("该数据集已停止开放"),
    OpenDataError.LOGIN_REQUIRED: _("这是有条件开放的数据集，请登录后下载或调用接口"),
    OpenDataError.ALREADY_NEGATIVE_LISTED: _("该资源已在不予开放清单中"),
    OpenDataError.NOT_NEGATIVE_LISTED: _("该资源不在不予开放清单中"),
    OpenDataError.REASON_REQUIRED: _("请填写理由（最多 200 个字）"),
}

STATUS = {
    OpenDataError.FILE_TOO_LARGE: 413,
    OpenDataError.IMPORT_IN_PROGRESS: 409,
    OpenDataError.IMPORT_NOT_FOUND: 404,
    OpenDataError.NO_CURRENT_VERSION: 409,
    OpenDataError.VERSION_NOT_FOUND: 404,
    OpenDataError.RESOURCE_NOT_FOUND: 404,
    OpenDataError.RESOURCE_NOT_PUBLISHED: 409,
    OpenDataError.OPEN_TYPE_CLOSED: 409,
    OpenDataError.NEGATIVE_LISTED: 409,
    OpenDataError.PERSONAL_ITEM: 409,
    OpenDataError.NO_PUBLIC_ITEMS: 409,
    OpenDataError.ALREADY_PUBLISHED: 409,
    OpenDataError.NOT_PUBLISHED: 409,
    OpenDataError.DATASET_NOT_FOUND: 404,
    OpenDataError.DATASET_NOT_OPEN: 404,
    OpenDataError.LOGIN_REQUIRED: 403,
    OpenDataError.ALREADY_NEGATIVE_LISTED: 409,
    OpenDataError.NOT_NEGATIVE_LISTED: 409,
}

error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
