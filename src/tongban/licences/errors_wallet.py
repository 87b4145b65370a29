"""Stable error codes of holding and using licences (证照夹、亮证、用证、分享、版式文件).

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are
Chinese and shown to users. Codes raised by other areas pass through unchanged:
``agent_scope_exceeded`` / ``company_not_found`` (identity) when an agent acts beyond the
scope "licences".
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class WalletError(StrEnum):
    LICENCE_NOT_FOUND = "licence_not_found"
    LICENCE_NOT_SHAREABLE = "licence_not_shareable"
    LICENCE_NOT_USABLE = "licence_not_usable"
    SHARE_NOT_FOUND = "share_not_found"
    SHARE_EXPIRED = "share_expired"
    SHARE_REVOKED = "share_revoked"
    SHARE_ALREADY_REVOKED = "share_already_revoked"
    SHARE_PURPOSE_REQUIRED = "share_purpose_required"
    SHARE_PURPOSE_TOO_LONG = "share_purpose_too_long"
    SHARE_HOURS_INVALID = "share_hours_invalid"
    USAGE_KIND_INVALID = "usage_kind_invalid"
    PDF_FONT_MISSING = "pdf_font_missing"


MESSAGES = {
    WalletError.LICENCE_NOT_FOUND: _("未找到该证照，或您无权查看"),
    WalletError.LICENCE_NOT_SHAREABLE: _("只有有效的证照可以分享"),
    WalletError.LICENCE_NOT_USABLE: _("所选电子证照已失效或不属于申请主体，请重新选择或上传材料"),
    WalletError.SHARE_NOT_FOUND: _("未找到该分享链接"),
    WalletError.SHARE_EXPIRED: _("该分享链接已过期，请联系持证人重新分享"),
    WalletError.SHARE_REVOKED: _("持证人已撤销该分享链接"),
    WalletError.SHARE_ALREADY_REVOKED: _("该分享链接已撤销"),
    WalletError.SHARE_PURPOSE_REQUIRED: _("请填写分享用途，例如“办理银行开户”"),
    WalletError.SHARE_PURPOSE_TOO_LONG: _("分享用途最多 50 个字"),
    WalletError.SHARE_HOURS_INVALID: _("有效时长须为 1 至 720 小时"),
    WalletError.USAGE_KIND_INVALID: _("用证记录类型不正确"),
    WalletError.PDF_FONT_MISSING: _(
        "证照版式文件无法生成：服务器缺少中文字体文件（请运维人员设置 TONGBAN_PDF_FONT）"
    ),
}

STATUS = {
    WalletError.LICENCE_NOT_FOUND: 404,
    WalletError.SHARE_NOT_FOUND: 404,
    WalletError.SHARE_EXPIRED: 410,
    WalletError.SHARE_REVOKED: 410,
    WalletError.LICENCE_NOT_SHAREABLE: 409,
    WalletError.SHARE_ALREADY_REVOKED: 409,
    WalletError.PDF_FONT_MISSING: 503,
}


error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""
