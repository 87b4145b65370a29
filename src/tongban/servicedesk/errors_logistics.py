"""Stable error codes of logistics (物流：地址簿、取件与寄递、快递回调)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class LogisticsError(StrEnum):
    NAME_REQUIRED = "address_name_required"
    MOBILE_INVALID = "address_mobile_invalid"
    DIVISION_INVALID = "address_division_invalid"
    DETAIL_REQUIRED = "address_detail_required"
    ADDRESS_NOT_FOUND = "address_not_found"
    CASE_NOT_FOUND = "case_not_found"
    KIND_INVALID = "delivery_kind_invalid"
    KIND_NOT_ALLOWED = "delivery_not_allowed_for_case"
    ALREADY_ORDERED = "delivery_already_ordered"
    DELIVERY_NOT_FOUND = "delivery_not_found"
    NOT_CANCELLABLE = "delivery_not_cancellable"
    NOT_DISPATCHABLE = "delivery_not_dispatchable"
    RESULT_NOT_READY = "delivery_result_not_ready"
    COURIER_UNAVAILABLE = "courier_unavailable"
    CALLBACK_REJECTED = "courier_callback_rejected"
    WAYBILL_UNKNOWN = "courier_waybill_unknown"


MESSAGES = {
    LogisticsError.NAME_REQUIRED: _("请填写收件人姓名（最多 50 个字）"),
    LogisticsError.MOBILE_INVALID: _("请填写正确的 11 位手机号码"),
    LogisticsError.DIVISION_INVALID: _("请选择正确的所在区县"),
    LogisticsError.DETAIL_REQUIRED: _("请填写详细地址（最多 200 个字）"),
    LogisticsError.ADDRESS_NOT_FOUND: _("未找到该地址，请重新选择"),
    LogisticsError.CASE_NOT_FOUND: _("未找到该办件，或您无权办理"),
    LogisticsError.KIND_INVALID: _("请选择上门取件或结果邮寄"),
    LogisticsError.KIND_NOT_ALLOWED: _("该办件当前状态不能办理此项寄递"),
    LogisticsError.ALREADY_ORDERED: _("该办件已有进行中的同类寄递订单"),
    LogisticsError.DELIVERY_NOT_FOUND: _("未找到该物流订单"),
    LogisticsError.NOT_CANCELLABLE: _("快递员已揽收，订单不能再取消"),
    LogisticsError.NOT_DISPATCHABLE: _("该订单不是待交寄状态"),
    LogisticsError.RESULT_NOT_READY: _("办件尚未作出准予决定，没有可寄送的结果"),
    LogisticsError.COURIER_UNAVAILABLE: _("快递服务暂不可用，请稍后再试或到窗口领取"),
    LogisticsError.CALLBACK_REJECTED: _("回调签名无效或已过期"),
    LogisticsError.WAYBILL_UNKNOWN: _("运单号不存在"),
}
STATUS = {
    LogisticsError.ADDRESS_NOT_FOUND: 404,
    LogisticsError.CASE_NOT_FOUND: 404,
    LogisticsError.DELIVERY_NOT_FOUND: 404,
    LogisticsError.COURIER_UNAVAILABLE: 503,
    LogisticsError.CALLBACK_REJECTED: 401,
    LogisticsError.WAYBILL_UNKNOWN: 404,
}
error = ErrorCatalogue(MESSAGES, STATUS)
