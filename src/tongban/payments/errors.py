"""Stable error codes of payments orders, channels and callbacks (clients rely on them).

Codes are unique across the payments app (finance codes: ``errors_finance``; both use
``order_not_found`` and ``channel_unknown`` with the same meaning). The API answers
``{"code", "message", "field"}`` with the status listed in ``STATUS`` (400 otherwise).
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class OrderError(StrEnum):
    # payment codes
    INVALID_PAYMENT_CODE = "invalid_payment_code"  # wrong length or characters
    INVALID_CHECKSUM = "invalid_checksum"  # a mistyped code: the check digit does not match
    CODE_FORMAT_INVALID = "payment_code_format_invalid"  # PAYMENTS_CODE_FORMAT misconfigured
    # orders
    ORDER_NOT_FOUND = "order_not_found"  # also: someone else's order (no probing)
    ORDER_EXPIRED = "order_expired"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_ALREADY_PAID = "order_already_paid"
    ILLEGAL_TRANSITION = "illegal_order_transition"
    AMOUNT_INVALID = "amount_invalid"  # items: positive integer fen, total = sum
    ITEMS_INVALID = "items_invalid"
    PAYER_INVALID = "payer_invalid"  # payer name / ID number or credit code
    EXPIRY_INVALID = "expiry_invalid"
    DUPLICATE_REFERENCE = "duplicate_reference"  # a live order of this client has it already
    REASON_REQUIRED = "cancel_reason_required"
    NOT_REISSUABLE = "order_not_reissuable"  # only an expired case fee, by its payer
    CLIENT_WITHOUT_UNIT = "client_without_org_unit"  # the API client has no collecting unit
    PERMISSION_DENIED = "permission_denied"
    # channels and callbacks
    CHANNEL_UNKNOWN = "channel_unknown"
    SIMULATORS_DISABLED = "simulators_disabled"
    INVALID_SIGNATURE = "invalid_signature"
    CALLBACK_MALFORMED = "callback_malformed"
    UNKNOWN_TRADE = "unknown_trade"
    PAYMENT_NOT_FOUND = "payment_not_found"
    PAYMENT_CLOSED = "payment_closed"  # the simulator was asked to pay a finished attempt
    # webhooks
    WEBHOOK_URL_INVALID = "webhook_url_invalid"


E = OrderError
MESSAGES = {
    E.INVALID_PAYMENT_CODE: _("缴款码格式不正确：应为 20 位数字，请核对缴款通知书。"),
    E.INVALID_CHECKSUM: _("缴款码校验未通过，可能输入有误，请逐位核对后重新输入。"),
    E.CODE_FORMAT_INVALID: _("缴款码格式配置有误（PAYMENTS_CODE_FORMAT）。"),
    E.ORDER_NOT_FOUND: _("未找到该缴款单，或该缴款单不属于您。"),
    E.ORDER_EXPIRED: _("该缴款单已过缴费期限，不能再缴费。如需缴费，请联系执收单位重新开具。"),
    E.ORDER_CANCELLED: _("该缴款单已取消，不能缴费。"),
    E.ORDER_ALREADY_PAID: _("该缴款单已缴费成功，无需重复缴费。"),
    E.ILLEGAL_TRANSITION: _("缴款单当前状态不允许此操作。"),
    E.AMOUNT_INVALID: _("金额须为大于 0 的整数（单位：分），且等于各收费项目金额之和。"),
    E.ITEMS_INVALID: _("请至少填写一个收费项目（名称、依据、金额、预算科目）。"),
    E.PAYER_INVALID: _("请填写缴款人姓名及有效的公民身份号码或统一社会信用代码。"),
    E.EXPIRY_INVALID: _("缴费期限须在 10 分钟到 90 天之内。"),
    E.DUPLICATE_REFERENCE: _("该业务编号已有未结束的缴款单。"),
    E.REASON_REQUIRED: _("请填写取消原因（不超过 200 字）。"),
    E.NOT_REISSUABLE: _("该缴款单不能重新开具，请联系执收单位。"),
    E.CLIENT_WITHOUT_UNIT: _("该部门系统未登记所属执收单位，不能开具缴款单。"),
    E.PERMISSION_DENIED: _("您没有执行此操作的权限。"),
    E.CHANNEL_UNKNOWN: _("不支持该支付渠道。"),
    E.SIMULATORS_DISABLED: _("支付模拟器未启用。"),
    E.INVALID_SIGNATURE: _("支付通知签名无效，已拒绝。"),
    E.CALLBACK_MALFORMED: _("支付通知格式不正确。"),
    E.UNKNOWN_TRADE: _("支付通知中的商户订单号不存在。"),
    E.PAYMENT_NOT_FOUND: _("未找到该支付交易。"),
    E.PAYMENT_CLOSED: _("该笔支付已结束，请返回缴费页面重新发起。"),
    E.WEBHOOK_URL_INVALID: _("请填写有效的接收地址（生产环境须为 https，且不能指向内部网络）。"),
}
STATUS = {
    E.ORDER_NOT_FOUND: 404,
    E.PAYMENT_NOT_FOUND: 404,
    E.UNKNOWN_TRADE: 404,
    E.ORDER_EXPIRED: 409,
    E.ORDER_CANCELLED: 409,
    E.ORDER_ALREADY_PAID: 409,
    E.ILLEGAL_TRANSITION: 409,
    E.DUPLICATE_REFERENCE: 409,
    E.NOT_REISSUABLE: 409,
    E.PAYMENT_CLOSED: 409,
    E.PERMISSION_DENIED: 403,
    E.CLIENT_WITHOUT_UNIT: 403,
    E.SIMULATORS_DISABLED: 404,
    E.INVALID_SIGNATURE: 401,
}
error = ErrorCatalogue(MESSAGES, STATUS)
ALL_ORDER_CODES = sorted(code.value for code in OrderError)
