"""Stable error codes of payments finance: refunds (退款) and reconciliation (对账).

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are
Chinese and shown to users. Codes are unique across the payments app.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class FinanceError(StrEnum):
    # refunds
    ORDER_NOT_FOUND = "order_not_found"
    REFUND_NOT_FOUND = "refund_not_found"
    ORDER_NOT_PAID = "order_not_paid"
    REFUND_AMOUNT_INVALID = "refund_amount_invalid"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    SELF_APPROVAL = "refund_self_approval"
    REFUND_NOT_PENDING = "refund_not_pending"
    REFUND_NOT_APPROVED = "refund_not_approved"
    NOT_FINANCE_OF_UNIT = "not_finance_of_unit"
    # statements and reconciliation
    CHANNEL_UNKNOWN = "channel_unknown"
    STATEMENT_UNAVAILABLE = "statement_unavailable"
    STATEMENT_MALFORMED = "statement_malformed"
    STATEMENT_CONFLICT = "statement_conflict"
    STATEMENT_DATE_INVALID = "statement_date_invalid"
    RUN_NOT_FOUND = "reconciliation_run_not_found"
    ITEM_NOT_FOUND = "reconciliation_item_not_found"
    ITEM_NOT_OPEN = "reconciliation_item_not_open"
    NOTE_REQUIRED = "note_required"
    NOTE_TOO_LONG = "note_too_long"


MESSAGES = {
    FinanceError.ORDER_NOT_FOUND: _("未找到该缴费订单，或您无权查看"),
    FinanceError.REFUND_NOT_FOUND: _("未找到该退款，或您无权查看"),
    FinanceError.ORDER_NOT_PAID: _("该订单未缴费成功，不能退款"),
    FinanceError.REFUND_AMOUNT_INVALID: _("退款金额须为大于 0 的整数（单位：分）"),
    FinanceError.REFUND_EXCEEDS_PAID: _("退款金额超过可退金额（实缴金额减去已申请或已退款金额）"),
    FinanceError.PAYMENT_NOT_REFUNDABLE: _("该笔支付不属于本订单，或没有可退的款项"),
    FinanceError.REASON_REQUIRED: _("请填写退款原因"),
    FinanceError.REASON_TOO_LONG: _("原因或意见不能超过 200 个字"),
    FinanceError.SELF_APPROVAL: _("退款须由申请人以外的另一名财务人员复核，不能复核自己的申请"),
    FinanceError.REFUND_NOT_PENDING: _("该退款不在待复核状态"),
    FinanceError.REFUND_NOT_APPROVED: _("该退款未经复核，不能提交渠道"),
    FinanceError.NOT_FINANCE_OF_UNIT: _("您不是该执收单位的财务人员"),
    FinanceError.CHANNEL_UNKNOWN: _("不支持的支付渠道"),
    FinanceError.STATEMENT_UNAVAILABLE: _("渠道尚未提供该日的对账单"),
    FinanceError.STATEMENT_MALFORMED: _("对账单格式错误"),
    FinanceError.STATEMENT_CONFLICT: _("该渠道该日的对账单已导入且内容不同，请人工核查"),
    FinanceError.STATEMENT_DATE_INVALID: _("账单日期须为今天以前的日期"),
    FinanceError.RUN_NOT_FOUND: _("未找到该对账批次"),
    FinanceError.ITEM_NOT_FOUND: _("未找到该对账差异，或您无权查看"),
    FinanceError.ITEM_NOT_OPEN: _("该对账记录不是待处理的差异"),
    FinanceError.NOTE_REQUIRED: _("请填写处理说明"),
    FinanceError.NOTE_TOO_LONG: _("处理说明不能超过 500 个字"),
}

STATUS = {
    FinanceError.ORDER_NOT_FOUND: 404,
    FinanceError.REFUND_NOT_FOUND: 404,
    FinanceError.RUN_NOT_FOUND: 404,
    FinanceError.ITEM_NOT_FOUND: 404,
    FinanceError.SELF_APPROVAL: 403,
    FinanceError.NOT_FINANCE_OF_UNIT: 403,
    FinanceError.REFUND_NOT_PENDING: 409,
    FinanceError.REFUND_NOT_APPROVED: 409,
    FinanceError.ITEM_NOT_OPEN: 409,
    FinanceError.STATEMENT_CONFLICT: 409,
    FinanceError.STATEMENT_UNAVAILABLE: 404,
}

error = ErrorCatalogue(MESSAGES, STATUS)
