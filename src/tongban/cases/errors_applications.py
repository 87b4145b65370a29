"""Stable error codes of applying (统一申办): drafts, form values, materials, the wallet.

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are
Chinese and shown to users. Codes raised by other areas pass through unchanged:
``agent_scope_exceeded`` / ``company_not_found`` (identity), and the lifecycle codes of
``tongban.cases.errors`` (illegal transitions) when a submit or withdrawal is refused.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class ApplicationError(StrEnum):
    ITEM_WITHDRAWN = "item_withdrawn"
    COMPANY_REQUIRED = "company_required"
    COMPANY_NOT_ALLOWED = "company_not_allowed"
    NATURAL_PERSON_REQUIRED = "natural_person_required"
    REALNAME_REQUIRED = "realname_required"
    APPLICANT_CHOICE_INVALID = "applicant_choice_invalid"
    APPLICATION_NOT_FOUND = "application_not_found"
    NOT_EDITABLE = "application_not_editable"
    UNKNOWN_FIELD = "unknown_field"
    REGISTRY_VALUE_FORGED = "registry_value_forged"
    REGISTRY_RECORD_MISSING = "registry_record_missing"
    FIELD_REQUIRED = "field_required"
    FIELD_INVALID = "field_invalid"
    FIELD_TOO_LONG = "field_too_long"
    MATERIAL_NOT_IN_ITEM = "material_not_in_item"
    MATERIALS_MISSING = "materials_missing"
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    WALLET_UNAVAILABLE = "wallet_unavailable"
    LICENCE_NOT_ACCEPTED = "licence_not_accepted"
    LICENCE_NOT_FOUND = "licence_not_found"
    CONSENT_REQUIRED = "consent_required"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"


MESSAGES = {
    ApplicationError.ITEM_WITHDRAWN: _("该事项已停止受理，不能申请"),
    ApplicationError.COMPANY_REQUIRED: _("该事项仅面向法人办理，请选择以您的法人（企业）身份申请"),
    ApplicationError.COMPANY_NOT_ALLOWED: _("该事项仅面向自然人办理，不能以法人身份申请"),
    ApplicationError.NATURAL_PERSON_REQUIRED: _("工作人员账号不能在线申请事项"),
    ApplicationError.REALNAME_REQUIRED: _("需先完成实名核验（L2 及以上）才能申请"),
    ApplicationError.APPLICANT_CHOICE_INVALID: _("请选择以本人或您有“办理事项”授权的法人名义申请"),
    ApplicationError.APPLICATION_NOT_FOUND: _("未找到该申请，或您无权查看"),
    ApplicationError.NOT_EDITABLE: _("该申请当前状态不能修改"),
    ApplicationError.UNKNOWN_FIELD: _("表单中没有该字段"),
    ApplicationError.REGISTRY_VALUE_FORGED: _("该项为政府核验数据，不能修改"),
    ApplicationError.REGISTRY_RECORD_MISSING: _("基础库中没有您的登记信息，无法核验，请到窗口办理"),
    ApplicationError.FIELD_REQUIRED: _("此项为必填项"),
    ApplicationError.FIELD_INVALID: _("填写的内容格式不正确"),
    ApplicationError.FIELD_TOO_LONG: _("填写的内容过长"),
    ApplicationError.MATERIAL_NOT_IN_ITEM: _("该材料不属于本事项"),
    ApplicationError.MATERIALS_MISSING: _("还有必需的申请材料未提交"),
    ApplicationError.FILE_EMPTY: _("文件为空，请重新选择"),
    ApplicationError.FILE_TOO_LARGE: _("文件过大"),
    ApplicationError.FILE_TYPE_NOT_ALLOWED: _(
        "只能上传 PDF、JPG、PNG 或 OFD 文件（按文件内容识别）"
    ),
    ApplicationError.WALLET_UNAVAILABLE: _("电子证照服务暂不可用，请上传材料"),
    ApplicationError.LICENCE_NOT_ACCEPTED: _("该材料不能使用电子证照代替"),
    ApplicationError.LICENCE_NOT_FOUND: _("您的证照夹中没有该证照"),
    ApplicationError.CONSENT_REQUIRED: _("请先同意调用电子证照"),
    ApplicationError.IDEMPOTENCY_KEY_INVALID: _("幂等键格式不正确（1–64 个字母、数字、- 或 _）"),
}

STATUS = {
    ApplicationError.APPLICATION_NOT_FOUND: 404,
    ApplicationError.NATURAL_PERSON_REQUIRED: 403,
    ApplicationError.REALNAME_REQUIRED: 403,
    ApplicationError.NOT_EDITABLE: 409,
    ApplicationError.ITEM_WITHDRAWN: 409,
    ApplicationError.FILE_TOO_LARGE: 413,
    ApplicationError.FILE_TYPE_NOT_ALLOWED: 415,
    ApplicationError.WALLET_UNAVAILABLE: 503,
}


error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
