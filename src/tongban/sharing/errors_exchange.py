"""Stable error codes of exchange jobs, change events, data quality and error reports
(共享交换订阅、变更事件、数据治理、数据纠错).

Codes are unique across the sharing app (``errors``, ``errors_opendata``); the gateway's codes
(``no_grant``, ``grant_expired``, ``grant_revoked``, ``bulk_not_allowed``…) are reused from
``errors`` where the meaning is the same.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class ExchangeError(StrEnum):
    # subscriptions and exchange runs
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    SUBSCRIPTION_NOT_ACTIVE = "subscription_not_active"
    SUBSCRIPTION_EXISTS = "subscription_exists"
    DELIVERY_INVALID = "delivery_invalid"
    FILE_FORMAT_INVALID = "file_format_invalid"
    WEBHOOK_URL_INVALID = "webhook_url_invalid"
    INTERVAL_INVALID = "interval_invalid"
    RUN_NOT_FOUND = "run_not_found"
    RUN_FILE_MISSING = "run_file_missing"
    # change events
    CHANGES_UNSUPPORTED = "changes_unsupported"
    CURSOR_INVALID = "cursor_invalid"
    # quality rules
    RULE_KIND_INVALID = "rule_kind_invalid"
    RULE_ITEM_UNKNOWN = "rule_item_unknown"
    RULE_PARAMS_INVALID = "rule_params_invalid"
    RULE_NOT_FOUND = "rule_not_found"
    # error reports (数据纠错)
    CORRECTION_NOT_FOUND = "correction_not_found"
    CORRECTION_DESCRIPTION_REQUIRED = "correction_description_required"
    CORRECTION_RECORD_REQUIRED = "correction_record_required"
    CORRECTION_NOT_ALLOWED = "correction_not_allowed"
    CORRECTION_ILLEGAL_TRANSITION = "correction_illegal_transition"
    CORRECTION_REASON_REQUIRED = "correction_reason_required"


X = ExchangeError

MESSAGES = {
    X.SUBSCRIPTION_NOT_FOUND: _("未找到该订阅，或您无权查看"),
    X.SUBSCRIPTION_NOT_ACTIVE: _("该订阅已取消"),
    X.SUBSCRIPTION_EXISTS: _("该授权已有一个有效的订阅"),
    X.DELIVERY_INVALID: _("交付方式须为“文件”或“签名推送（Webhook）”"),
    X.FILE_FORMAT_INVALID: _("文件格式须为 CSV 或 JSON"),
    X.WEBHOOK_URL_INVALID: _("请填写有效的接收地址；地址不能指向内部网络或本机"),
    X.INTERVAL_INVALID: _("交付间隔须在允许的范围内（分钟）"),
    X.RUN_NOT_FOUND: _("未找到该交付记录，或您无权查看"),
    X.RUN_FILE_MISSING: _("该次交付没有可下载的文件"),
    X.CHANGES_UNSUPPORTED: _("该资源由提供方接口提供，平台无法识别其变更，不支持订阅变更"),
    X.CURSOR_INVALID: _("变更游标无效，请使用上次返回的 next_cursor"),
    X.RULE_KIND_INVALID: _("规则类型无效"),
    X.RULE_ITEM_UNKNOWN: _("规则的信息项不属于该资源"),
    X.RULE_PARAMS_INVALID: _("规则参数无效（代码类型或枚举值）"),
    X.RULE_NOT_FOUND: _("未找到该质量规则"),
    X.CORRECTION_NOT_FOUND: _("未找到该纠错报告，或您无权查看"),
    X.CORRECTION_DESCRIPTION_REQUIRED: _("请说明数据错误（不超过 1000 字）"),
    X.CORRECTION_RECORD_REQUIRED: _("请填写出错记录的关键字（不超过 64 字）"),
    X.CORRECTION_NOT_ALLOWED: _("只有获得该资源授权的使用部门可以报告数据错误"),
    X.CORRECTION_ILLEGAL_TRANSITION: _("纠错报告当前的状态不允许此操作"),
    X.CORRECTION_REASON_REQUIRED: _("请填写理由或更正说明（不超过 1000 字）"),
}

STATUS = {
    X.SUBSCRIPTION_NOT_FOUND: 404,
    X.SUBSCRIPTION_NOT_ACTIVE: 409,
    X.SUBSCRIPTION_EXISTS: 409,
    X.RUN_NOT_FOUND: 404,
    X.RUN_FILE_MISSING: 404,
    X.CHANGES_UNSUPPORTED: 409,
    X.RULE_NOT_FOUND: 404,
    X.CORRECTION_NOT_FOUND: 404,
    X.CORRECTION_NOT_ALLOWED: 403,
    X.CORRECTION_ILLEGAL_TRANSITION: 409,
}

error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
