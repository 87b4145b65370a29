"""Stable error codes of halls, appointments and the queue (clients rely on them).

Services raise ``error(HallError.X)``; the API answers ``{"code", "message", "field"}`` and
pages show the message. The other service-desk areas keep their codes in
``errors_<area>.py``; codes are unique across the app.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class HallError(StrEnum):
    # hall configuration
    HALL_NOT_FOUND = "hall_not_found"
    HALL_INACTIVE = "hall_inactive"
    HALL_CODE_TAKEN = "hall_code_taken"
    HALL_UNIT_INVALID = "hall_unit_invalid"
    FIELD_REQUIRED = "field_required"
    FIELD_TOO_LONG = "field_too_long"
    WINDOW_NUMBER_TAKEN = "window_number_taken"
    WINDOW_NOT_FOUND = "window_not_found"
    WINDOW_INACTIVE = "window_inactive"
    TEMPLATE_INVALID = "slot_template_invalid"
    # booking
    NATURAL_PERSON_REQUIRED = "natural_person_required"
    REALNAME_REQUIRED = "realname_required"
    ITEM_NOT_FOUND = "item_not_found"
    SLOT_NOT_FOUND = "slot_not_found"
    SLOT_NOT_FOR_ITEM = "slot_not_for_item"
    SLOT_PAST = "slot_past"
    SLOT_TOO_FAR = "slot_too_far"
    SLOT_FULL = "slot_full"
    DOUBLE_BOOKING = "double_booking"
    ACTIVE_LIMIT = "active_booking_limit"
    DAILY_LIMIT = "daily_booking_limit"
    BOOKING_BLOCKED = "booking_blocked"
    APPOINTMENT_NOT_FOUND = "appointment_not_found"
    CANCEL_TOO_LATE = "cancel_too_late"
    ILLEGAL_TRANSITION = "illegal_transition"
    # kiosk
    CODE_INVALID = "booking_code_invalid"
    QR_INVALID = "booking_qr_invalid"
    BOOKING_OTHER_HALL = "booking_other_hall"
    BOOKING_NOT_TODAY = "booking_not_today"
    CHECKIN_TOO_EARLY = "checkin_too_early"
    BOOKING_EXPIRED = "booking_expired"
    ALREADY_CHECKED_IN = "already_checked_in"
    CATEGORY_NOT_SERVED = "category_not_served"
    # windows
    TICKET_NOT_FOUND = "ticket_not_found"
    TICKET_OTHER_HALL = "ticket_other_hall"
    TICKET_NOT_CALLED = "ticket_not_called"
    TICKET_NOT_WAITING = "ticket_not_waiting"
    TICKET_NOT_FOR_WINDOW = "ticket_not_for_window"
    NO_WAITING_TICKET = "no_waiting_ticket"
    WINDOW_BUSY = "window_busy"


MESSAGES = {
    HallError.HALL_NOT_FOUND: _("未找到该大厅，或您无权查看"),
    HallError.HALL_INACTIVE: _("该大厅已停用"),
    HallError.HALL_CODE_TAKEN: _("大厅编码已被使用"),
    HallError.HALL_UNIT_INVALID: _("大厅须属于您有管理权限的市或县区"),
    HallError.FIELD_REQUIRED: _("请填写此项"),
    HallError.FIELD_TOO_LONG: _("内容过长"),
    HallError.WINDOW_NUMBER_TAKEN: _("该大厅已有此窗口号"),
    HallError.WINDOW_NOT_FOUND: _("未找到该窗口，或您无权操作"),
    HallError.WINDOW_INACTIVE: _("该窗口已停用"),
    HallError.TEMPLATE_INVALID: _("时段设置无效：结束时间须晚于开始时间，人数为 1–200"),
    HallError.NATURAL_PERSON_REQUIRED: _("请以个人账号预约，工作人员账号不能预约"),
    HallError.REALNAME_REQUIRED: _("需先完成实名核验（L2 及以上）才能预约"),
    HallError.ITEM_NOT_FOUND: _("未找到该事项，或该事项已停止受理"),
    HallError.SLOT_NOT_FOUND: _("未找到该预约时段"),
    HallError.SLOT_NOT_FOR_ITEM: _("该时段不办理此事项，请另选时段"),
    HallError.SLOT_PAST: _("该时段已开始或已过去，请选择以后的时段"),
    HallError.SLOT_TOO_FAR: _("只能预约近期的时段"),
    HallError.SLOT_FULL: _("该时段已约满，请选择其他时段"),
    HallError.DOUBLE_BOOKING: _("您已预约过该事项（或该时段），请勿重复预约"),
    HallError.ACTIVE_LIMIT: _("您未办理的预约已达上限，请先办理或取消已有预约"),
    HallError.DAILY_LIMIT: _("您今天的预约次数已达上限，请明天再试"),
    HallError.BOOKING_BLOCKED: _("您近期多次预约未到，暂停预约至 {until}"),
    HallError.APPOINTMENT_NOT_FOUND: _("未找到该预约，或您无权查看"),
    HallError.CANCEL_TOO_LATE: _("距预约时段开始已不足 {hours} 小时，不能取消"),
    HallError.ILLEGAL_TRANSITION: _("该预约当前状态不能进行此操作"),
    HallError.CODE_INVALID: _("预约码无效，请核对后重新输入"),
    HallError.QR_INVALID: _("无法识别该二维码，请出示“我的预约”中的预约二维码"),
    HallError.BOOKING_OTHER_HALL: _("该预约不是本大厅的预约，请到预约的大厅签到"),
    HallError.BOOKING_NOT_TODAY: _("该预约不是今天的，请在预约当天签到"),
    HallError.CHECKIN_TOO_EARLY: _("距预约时段开始还早，请在开始前 {minutes} 分钟内签到"),
    HallError.BOOKING_EXPIRED: _("该预约时段已过，请现场取号"),
    HallError.ALREADY_CHECKED_IN: _("该预约已签到，排队号 {number}"),
    HallError.CATEGORY_NOT_SERVED: _("本大厅没有办理该业务的窗口"),
    HallError.TICKET_NOT_FOUND: _("未找到该排队号"),
    HallError.TICKET_OTHER_HALL: _("该排队号不是本大厅的号，不能在本窗口办理"),
    HallError.TICKET_NOT_CALLED: _("该号不在本窗口叫号中"),
    HallError.TICKET_NOT_WAITING: _("该号不在等候中"),
    HallError.TICKET_NOT_FOR_WINDOW: _("本窗口不办理该号的业务"),
    HallError.NO_WAITING_TICKET: _("暂无等候的号"),
    HallError.WINDOW_BUSY: _("本窗口还有正在办理的号，请先办结或标记过号"),
}

STATUS = {
    HallError.HALL_NOT_FOUND: 404,
    HallError.WINDOW_NOT_FOUND: 404,
    HallError.APPOINTMENT_NOT_FOUND: 404,
    HallError.SLOT_NOT_FOUND: 404,
    HallError.ITEM_NOT_FOUND: 404,
    HallError.TICKET_NOT_FOUND: 404,
    HallError.NATURAL_PERSON_REQUIRED: 403,
    HallError.REALNAME_REQUIRED: 403,
    HallError.HALL_UNIT_INVALID: 403,
    HallError.SLOT_FULL: 409,
    HallError.DOUBLE_BOOKING: 409,
    HallError.ALREADY_CHECKED_IN: 409,
    HallError.WINDOW_BUSY: 409,
}

error = ErrorCatalogue(MESSAGES, STATUS)

ALL_CODES = sorted(code.value for code in HallError)
