"""Stable error codes of fiscal electronic receipts (财政电子票据) and finance seals.

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are Chinese
and shown to users. A look-up with a wrong 校验码 answers ``receipt_not_found`` exactly like a
receipt that does not exist, so the answer never tells whether a 票据代码 + 号码 is in use.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class ReceiptError(StrEnum):
    ORDER_NOT_PAID = "receipt_order_not_paid"
    REFUND_NOT_REVERSIBLE = "receipt_refund_not_reversible"
    RECEIPT_NOT_FOUND = "receipt_not_found"
    INVALID_RECEIPT_CODE = "invalid_receipt_code"
    INVALID_RECEIPT_NUMBER = "invalid_receipt_number"
    INVALID_CHECK_CODE = "invalid_check_code"
    VERIFY_RATE_LIMITED = "receipt_verify_rate_limited"
    NUMBERS_EXHAUSTED = "receipt_numbers_exhausted"
    INVALID_RECEIPT_SETTING = "invalid_receipt_setting"
    SEAL_KEY_MISMATCH = "finance_seal_key_mismatch"
    PDF_FONT_MISSING = "receipt_pdf_font_missing"


MESSAGES = {
    ReceiptError.ORDER_NOT_PAID: _("该缴款单尚未缴费成功，不能开具票据"),
    ReceiptError.REFUND_NOT_REVERSIBLE: _("只有已开票支付的退款成功后才能开具红字票据"),
    ReceiptError.RECEIPT_NOT_FOUND: _("未找到与票据代码、票据号码和校验码相符的票据，请核对后重试"),
    ReceiptError.INVALID_RECEIPT_CODE: _("票据代码应为 8 位数字"),
    ReceiptError.INVALID_RECEIPT_NUMBER: _("票据号码应为 10 位数字"),
    ReceiptError.INVALID_CHECK_CODE: _("校验码应为 6 位字母或数字"),
    ReceiptError.VERIFY_RATE_LIMITED: _("核验失败次数过多，请稍后再试"),
    ReceiptError.NUMBERS_EXHAUSTED: _("本年度该票据代码的票据号码已用完，请联系财政部门"),
    ReceiptError.INVALID_RECEIPT_SETTING: _("票据代码配置有误（分类码、种类码须为 2 位数字）"),
    ReceiptError.SEAL_KEY_MISMATCH: _("财务专用章私钥与登记的公钥指纹不一致"),
    ReceiptError.PDF_FONT_MISSING: _(
        "票据版式文件无法生成：服务器缺少中文字体文件（请运维人员设置 TONGBAN_PDF_FONT）"
    ),
}

STATUS = {
    ReceiptError.ORDER_NOT_PAID: 409,
    ReceiptError.REFUND_NOT_REVERSIBLE: 409,
    ReceiptError.RECEIPT_NOT_FOUND: 404,
    ReceiptError.VERIFY_RATE_LIMITED: 429,
    ReceiptError.NUMBERS_EXHAUSTED: 503,
    ReceiptError.INVALID_RECEIPT_SETTING: 503,
    ReceiptError.SEAL_KEY_MISMATCH: 500,
    ReceiptError.PDF_FONT_MISSING: 503,
}


error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
