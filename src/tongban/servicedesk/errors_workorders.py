"""Stable error codes of 12345 work orders (pages, the API and Open311 rely on them)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class WorkOrderError(StrEnum):
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    CONTENT_REQUIRED = "content_required"
    CONTENT_TOO_LONG = "content_too_long"
    INVALID_KIND = "invalid_kind"
    INVALID_CHANNEL = "invalid_channel"
    INVALID_MOBILE = "invalid_mobile"
    INVALID_DIVISION = "invalid_division"
    NO_HOTLINE_CENTRE = "no_hotline_centre"  # the division has no city unit to take it
    RATE_LIMITED = "work_order_rate_limited"
    NOT_FOUND = "work_order_not_found"
    ILLEGAL_TRANSITION = "illegal_work_order_transition"
    NOT_A_DEPARTMENT = "not_a_department"
    DEPARTMENT_OUT_OF_REACH = "department_out_of_reach"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    REPLY_REQUIRED = "reply_required"
    REPLY_TOO_LONG = "reply_too_long"
    NOTE_REQUIRED = "note_required"
    NOTE_TOO_LONG = "note_too_long"
    INVALID_LEVEL = "invalid_level"
    ALREADY_RATED = "already_rated"
    ALREADY_CALLED_BACK = "already_called_back"
    NOT_SUBMITTER = "not_submitter"
    PERMISSION_DENIED = "permission_denied"
    LINKED_ORDER = "linked_order"  # a duplicate follows its master; act on the master


MESSAGES = {
    WorkOrderError.TITLE_REQUIRED: _("请填写标题。"),
    WorkOrderError.TITLE_TOO_LONG: _("标题过长（最多 100 字）。"),
    WorkOrderError.CONTENT_REQUIRED: _("请填写诉求内容。"),
    WorkOrderError.CONTENT_TOO_LONG: _("诉求内容过长（最多 2000 字）。"),
    WorkOrderError.INVALID_KIND: _("工单类型无效（咨询、投诉、建议、求助）。"),
    WorkOrderError.INVALID_CHANNEL: _("来源渠道无效。"),
    WorkOrderError.INVALID_MOBILE: _("请填写正确的 11 位手机号码。"),
    WorkOrderError.INVALID_DIVISION: _("所在区划无效，请选择广东省内的市或区县。"),
    WorkOrderError.NO_HOTLINE_CENTRE: _("该地区暂未接入 12345 工单受理。"),
    WorkOrderError.RATE_LIMITED: _("提交过于频繁，请稍后再试；紧急情况请拨打 110/119/120。"),
    WorkOrderError.NOT_FOUND: _("未找到该工单，或您无权查看。"),
    WorkOrderError.ILLEGAL_TRANSITION: _("工单当前状态不允许此操作。"),
    WorkOrderError.NOT_A_DEPARTMENT: _("只能派单给本市的职能部门。"),
    WorkOrderError.DEPARTMENT_OUT_OF_REACH: _("该部门不在本热线中心的派单范围内。"),
    WorkOrderError.REASON_REQUIRED: _("请填写退回理由。"),
    WorkOrderError.REASON_TOO_LONG: _("退回理由过长（最多 500 字）。"),
    WorkOrderError.REPLY_REQUIRED: _("请填写答复内容。"),
    WorkOrderError.REPLY_TOO_LONG: _("答复内容过长（最多 2000 字）。"),
    WorkOrderError.NOTE_REQUIRED: _("请填写记录内容。"),
    WorkOrderError.NOTE_TOO_LONG: _("记录内容过长（最多 1000 字）。"),
    WorkOrderError.INVALID_LEVEL: _("请选择评价等级（非常满意至非常不满意）。"),
    WorkOrderError.ALREADY_RATED: _("该工单已评价过，每件只能评价一次。"),
    WorkOrderError.ALREADY_CALLED_BACK: _("该工单已回访。"),
    WorkOrderError.NOT_SUBMITTER: _("只有提交人可以评价该工单。"),
    WorkOrderError.PERMISSION_DENIED: _("您没有办理该工单的权限。"),
    WorkOrderError.LINKED_ORDER: _("该工单已并入主工单，随主工单一并办理。"),
}

STATUS = {
    WorkOrderError.NOT_FOUND: 404,
    WorkOrderError.RATE_LIMITED: 429,
    WorkOrderError.PERMISSION_DENIED: 403,
    WorkOrderError.NOT_SUBMITTER: 403,
    WorkOrderError.DEPARTMENT_OUT_OF_REACH: 403,
    WorkOrderError.ILLEGAL_TRANSITION: 409,
    WorkOrderError.ALREADY_RATED: 409,
    WorkOrderError.ALREADY_CALLED_BACK: 409,
    WorkOrderError.LINKED_ORDER: 409,
}

error = ErrorCatalogue(MESSAGES, STATUS)
