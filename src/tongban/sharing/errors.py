"""Stable error codes of data sharing (catalogue, requests, grants, gateway, access log).

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are Chinese
and shown to users. The open-data part keeps its own codes (``errors_opendata``); codes are
unique across the app. Permission helpers add ``not_authenticated`` / ``permission_denied`` /
``not_found``; machine tokens add ``identity.oidc.errors`` codes (``token_missing``…).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class SharingError(StrEnum):
    # catalogue
    RESOURCE_NOT_FOUND = "resource_not_found"
    RESOURCE_CODE_TAKEN = "resource_code_taken"
    RESOURCE_CODE_INVALID = "resource_code_invalid"
    RESOURCE_NAME_REQUIRED = "resource_name_required"
    CLASSIFICATION_INVALID = "classification_invalid"
    PROVIDER_NOT_DEPARTMENT = "provider_not_department"
    CHOICE_INVALID = "choice_invalid"
    ITEMS_REQUIRED = "items_required"
    ITEM_INVALID = "item_invalid"
    ITEM_DUPLICATE = "item_duplicate"
    LOOKUP_KEY_INVALID = "lookup_key_invalid"
    RELATED_CODE_UNKNOWN = "related_code_unknown"
    API_URL_INVALID = "api_url_invalid"
    RESOURCE_NOT_PUBLISHED = "resource_not_published"
    ILLEGAL_RESOURCE_TRANSITION = "illegal_resource_transition"
    # consumer systems
    SYSTEM_NAME_REQUIRED = "system_name_required"
    SYSTEM_NOT_FOUND = "system_not_found"
    SYSTEM_SUSPENDED = "system_suspended"
    NOT_A_CONSUMER_SYSTEM = "not_a_consumer_system"
    # requests
    REQUEST_NOT_FOUND = "request_not_found"
    LEGAL_DUTY_REQUIRED = "legal_duty_required"
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    PURPOSE_REQUIRED = "purpose_required"
    PERIOD_INVALID = "period_invalid"
    ITEM_UNKNOWN = "item_unknown"
    OWN_RESOURCE = "own_resource"
    REQUEST_NOT_OPEN = "request_not_open"
    REQUEST_NOT_ESCALATED = "request_not_escalated"
    REASON_REQUIRED = "reason_required"
    DECISION_INVALID = "decision_invalid"
    MASKING_INVALID = "masking_invalid"
    ROW_DIVISION_INVALID = "row_division_invalid"
    RATE_LIMIT_INVALID = "rate_limit_invalid"
    EXPIRY_INVALID = "expiry_invalid"
    GRANT_NOT_FOUND = "grant_not_found"
    GRANT_ALREADY_REVOKED = "grant_already_revoked"
    # gateway
    NO_GRANT = "no_grant"
    GRANT_EXPIRED = "grant_expired"
    GRANT_REVOKED = "grant_revoked"
    ITEM_NOT_GRANTED = "item_not_granted"
    BULK_NOT_ALLOWED = "bulk_not_allowed"
    FILTER_NOT_GRANTED = "filter_not_granted"
    REFERENCE_REQUIRED = "reference_required"
    RATE_LIMITED = "rate_limited"
    RECORD_NOT_FOUND = "record_not_found"
    KEY_INVALID = "key_invalid"
    BACKING_UNAVAILABLE = "backing_unavailable"


E = SharingError

MESSAGES = {
    E.RESOURCE_NOT_FOUND: _("未找到该信息资源，或您无权查看"),
    E.RESOURCE_CODE_TAKEN: _("资源代码已被使用"),
    E.RESOURCE_CODE_INVALID: _("资源代码只能包含字母、数字和连字符，长度 3–64"),
    E.RESOURCE_NAME_REQUIRED: _("请填写资源名称（不超过 200 字）"),
    E.CLASSIFICATION_INVALID: _("资源分类须为数字编码（类 1 位、项 2 位、目 3 位、细目若干位）"),
    E.PROVIDER_NOT_DEPARTMENT: _("资源须由部门提供，且您须是该部门的管理员"),
    E.CHOICE_INVALID: _("选项无效"),
    E.ITEMS_REQUIRED: _("至少需要一个信息项"),
    E.ITEM_INVALID: _("信息项格式不正确"),
    E.ITEM_DUPLICATE: _("信息项标识重复"),
    E.LOOKUP_KEY_INVALID: _("查询关键字必须是本资源的信息项"),
    E.RELATED_CODE_UNKNOWN: _("关联资源代码不存在"),
    E.API_URL_INVALID: _("以提供方接口为数据来源的资源须填写有效的接口地址（http:// 或 https://）"),
    E.RESOURCE_NOT_PUBLISHED: _("该资源尚未发布或已停用，不能申请"),
    E.ILLEGAL_RESOURCE_TRANSITION: _("资源当前状态不允许此操作"),
    E.SYSTEM_NAME_REQUIRED: _("请填写系统名称（不超过 100 字）"),
    E.SYSTEM_NOT_FOUND: _("未找到该使用系统，或它不属于本部门"),
    E.SYSTEM_SUSPENDED: _("该使用系统已停用"),
    E.NOT_A_CONSUMER_SYSTEM: _("该应用不是已登记的共享使用系统"),
    E.REQUEST_NOT_FOUND: _("未找到该共享申请，或您无权查看"),
    E.LEGAL_DUTY_REQUIRED: _("请填写申请所依据的权责事项"),
    E.LEGAL_BASIS_REQUIRED: _("该资源不予共享：申请须写明法律、法规依据"),
    E.PURPOSE_REQUIRED: _("请填写用途（不超过 200 字）"),
    E.PERIOD_INVALID: _("使用期限不正确：结束日期须不早于开始日期和今天，且不超过 3 年"),
    E.ITEM_UNKNOWN: _("申请的信息项不属于该资源"),
    E.OWN_RESOURCE: _("本部门的资源无需申请"),
    E.REQUEST_NOT_OPEN: _("该申请已处理完毕，不能再次处理"),
    E.REQUEST_NOT_ESCALATED: _("只有逾期提交平台协调的申请可以仲裁"),
    E.REASON_REQUIRED: _("请填写理由"),
    E.DECISION_INVALID: _("决定只能是同意或拒绝"),
    E.MASKING_INVALID: _("脱敏规则无效"),
    E.ROW_DIVISION_INVALID: _("限定的行政区划无效，或该资源没有行政区划信息项"),
    E.RATE_LIMIT_INVALID: _("每分钟调用上限须为 1 至 6000"),
    E.EXPIRY_INVALID: _("授权有效期须在今天之后，且不晚于申请的使用期限"),
    E.GRANT_NOT_FOUND: _("未找到该授权"),
    E.GRANT_ALREADY_REVOKED: _("该授权已撤销"),
    E.NO_GRANT: _("本系统没有该资源的共享授权"),
    E.GRANT_EXPIRED: _("共享授权已过期，请重新申请"),
    E.GRANT_REVOKED: _("共享授权已被撤销"),
    E.ITEM_NOT_GRANTED: _("请求的信息项超出授权范围"),
    E.BULK_NOT_ALLOWED: _("授权仅允许按关键字逐条查询，不能批量查询"),
    E.FILTER_NOT_GRANTED: _("查询条件只能使用已授权的信息项"),
    E.REFERENCE_REQUIRED: _("该授权要求每次调用写明办件编号（reference）"),
    E.RATE_LIMITED: _("调用过于频繁，已超过授权的每分钟上限"),
    E.RECORD_NOT_FOUND: _("没有符合条件的记录"),
    E.KEY_INVALID: _("查询关键字格式不正确"),
    E.BACKING_UNAVAILABLE: _("该资源的数据源暂不可用"),
}

STATUS = {
    E.RESOURCE_NOT_FOUND: 404,
    E.SYSTEM_NOT_FOUND: 404,
    E.REQUEST_NOT_FOUND: 404,
    E.GRANT_NOT_FOUND: 404,
    E.RECORD_NOT_FOUND: 404,
    E.RESOURCE_CODE_TAKEN: 409,
    E.RESOURCE_NOT_PUBLISHED: 409,
    E.ILLEGAL_RESOURCE_TRANSITION: 409,
    E.REQUEST_NOT_OPEN: 409,
    E.REQUEST_NOT_ESCALATED: 409,
    E.GRANT_ALREADY_REVOKED: 409,
    E.NO_GRANT: 403,
    E.GRANT_EXPIRED: 403,
    E.GRANT_REVOKED: 403,
    E.ITEM_NOT_GRANTED: 403,
    E.BULK_NOT_ALLOWED: 403,
    E.FILTER_NOT_GRANTED: 403,
    E.SYSTEM_SUSPENDED: 403,
    E.NOT_A_CONSUMER_SYSTEM: 403,
    E.RATE_LIMITED: 429,
    E.BACKING_UNAVAILABLE: 503,
}

error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
